// English and French. The browser's language chooses; the switch overrides.
export type Lang = "en" | "fr";

const en = {
  title: "Attribution explorer",
  tagline: "Who is behind state cyber operations, who said so, and when.",
  search: "Search names and aliases",
  searchPlaceholder: "e.g. Zirconium, APT40, Ding Xiaoyang",
  noResults: "No results",
  filters: "Filters",
  kinds: "Kinds",
  relationTypes: "Relation types",
  minConfidence: "Minimum confidence",
  from: "From",
  to: "To",
  knownAt: "Known at",
  knownAtHelp: "The graph as the public knew it on this date",
  apply: "Apply",
  reset: "Reset",
  legend: "Legend",
  details: "Details",
  nothingSelected: "Select a node or a timeline item to see its claims and sources.",
  aliases: "Aliases",
  relations: "Relations",
  sources: "Sources",
  confidence: "confidence",
  noConfidence: "no stated confidence",
  expand: "Show neighbours",
  connect: "How is A connected to B?",
  pathFrom: "From (A)",
  pathTo: "To (B)",
  findPaths: "Find paths",
  noPath: "No path within 6 hops.",
  hop: "hop",
  export: "Export",
  exportPNG: "Graph as PNG",
  exportJSON: "Visible subgraph as JSON",
  exportCSV: "Timeline as CSV",
  timeline: "Timeline",
  linkTimeline: "Filter the graph to the timeline's window",
  unreachable: "The server cannot be reached. Retrying when you act again.",
  storeUnavailable: "The database is unavailable for now. Try again in a moment.",
  truncated: "Only part of the graph is shown: a limit was reached.",
  emptyGraph: "Nothing matches these filters.",
  language: "Language",
  copyLink: "Copy link to this view",
  copied: "Link copied",
  notYetPublic: "not yet public on the “known at” date",
  groups: { events: "Events and legal actions", campaigns: "Campaigns", claims: "Dated claims" } as Record<string, string>,
  field: {
    orgType: "Type", eventType: "Event type", iso2: "ISO 3166", mitreAttackId: "MITRE ATT&CK", court: "Court",
    filed: "Filed", unsealed: "Unsealed", caseNumber: "Case number", cves: "CVEs", charges: "Charges",
  } as Record<string, string>,
  kind: {
    THREAT_ACTOR: "Threat actor", ORGANIZATION: "Organization", PERSON: "Person", COUNTRY: "Country",
    SECTOR: "Sector", IP_CATEGORY: "Stolen IP", MALWARE: "Malware", TECHNIQUE: "Technique",
    VULNERABILITY: "Vulnerability", CAMPAIGN: "Campaign", INDICTMENT: "Indictment", EVENT: "Event",
  } as Record<string, string>,
};

type Messages = typeof en;

const fr: Messages = {
  title: "Explorateur d’attributions",
  tagline: "Qui est derrière les cyberopérations d’États, qui l’affirme, et quand.",
  search: "Rechercher noms et alias",
  searchPlaceholder: "ex. Zirconium, APT40, Ding Xiaoyang",
  noResults: "Aucun résultat",
  filters: "Filtres",
  kinds: "Types d’entités",
  relationTypes: "Types de relations",
  minConfidence: "Confiance minimale",
  from: "Du",
  to: "Au",
  knownAt: "Connu au",
  knownAtHelp: "Le graphe tel que le public le connaissait à cette date",
  apply: "Appliquer",
  reset: "Réinitialiser",
  legend: "Légende",
  details: "Détails",
  nothingSelected: "Sélectionnez un nœud ou un élément de la frise pour voir ses affirmations et leurs sources.",
  aliases: "Alias",
  relations: "Relations",
  sources: "Sources",
  confidence: "confiance",
  noConfidence: "confiance non précisée",
  expand: "Afficher les voisins",
  connect: "Quel lien entre A et B ?",
  pathFrom: "De (A)",
  pathTo: "À (B)",
  findPaths: "Trouver les chemins",
  noPath: "Aucun chemin en 6 étapes au plus.",
  hop: "étape",
  export: "Exporter",
  exportPNG: "Graphe en PNG",
  exportJSON: "Sous-graphe visible en JSON",
  exportCSV: "Frise en CSV",
  timeline: "Frise chronologique",
  linkTimeline: "Filtrer le graphe sur la fenêtre de la frise",
  unreachable: "Le serveur est injoignable. Nouvel essai à votre prochaine action.",
  storeUnavailable: "La base de données est indisponible pour l’instant. Réessayez dans un moment.",
  truncated: "Seule une partie du graphe est affichée : une limite a été atteinte.",
  emptyGraph: "Rien ne correspond à ces filtres.",
  language: "Langue",
  copyLink: "Copier le lien de cette vue",
  copied: "Lien copié",
  notYetPublic: "pas encore public à la date « connu au »",
  groups: { events: "Événements et actions en justice", campaigns: "Campagnes", claims: "Affirmations datées" },
  field: {
    orgType: "Type", eventType: "Type d’événement", iso2: "ISO 3166", mitreAttackId: "MITRE ATT&CK", court: "Tribunal",
    filed: "Déposé", unsealed: "Rendu public", caseNumber: "Numéro d’affaire", cves: "CVE", charges: "Chefs d’accusation",
  },
  kind: {
    THREAT_ACTOR: "Acteur malveillant", ORGANIZATION: "Organisation", PERSON: "Personne", COUNTRY: "Pays",
    SECTOR: "Secteur", IP_CATEGORY: "PI volée", MALWARE: "Logiciel malveillant", TECHNIQUE: "Technique",
    VULNERABILITY: "Vulnérabilité", CAMPAIGN: "Campagne", INDICTMENT: "Acte d’accusation", EVENT: "Événement",
  },
};

export const messages: Record<Lang, Messages> = { en, fr };

/** browserLang picks French for any French locale, English otherwise. */
export function browserLang(languages: readonly string[]): Lang {
  for (const l of languages) {
    if (l.toLowerCase().startsWith("fr")) return "fr";
    if (l.toLowerCase().startsWith("en")) return "en";
  }
  return "en";
}
