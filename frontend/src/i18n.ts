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
  knownAtHelp: "The graph as the public knew it on this date: a claim counts once one of its sources was certainly public (a source dated only to a month counts from the month's last day, one dated to a year from 31 December).",
  apply: "Apply",
  reset: "Reset",
  knownBanner: "As known on {date}",
  knownClear: "Show everything known today",
  legend: "Legend",
  details: "Details",
  nothingSelected: "Select a node or a timeline item to see its claims and sources.",
  aliases: "Aliases",
  relations: "Relations",
  sources: "Sources",
  confidence: "confidence",
  noConfidence: "no stated confidence",
  origin: "from",
  curated: "curated data",
  alternatives: "Other datasets say",
  expand: "Show neighbours",
  connect: "How is A connected to B?",
  pathFrom: "From (A)",
  pathTo: "To (B)",
  findPaths: "Find paths",
  noPath: "No path within 6 hops under these filters.",
  hop: "hop",
  export: "Export",
  exportPNG: "Graph as PNG",
  exportJSON: "Visible subgraph as JSON",
  exportCSV: "Timeline as CSV",
  timeline: "Timeline",
  linkTimeline: "Filter the graph to the timeline's window",
  unreachable: "The server cannot be reached.",
  storeUnavailable: "The database is unavailable for now. Try again in a moment.",
  truncated: "Only part of the graph is shown: a limit was reached.",
  emptyGraph: "Nothing matches these filters.",
  language: "Language",
  copyLink: "Copy link to this view",
  copied: "Link copied",
  notYetPublic: "not yet public on the “known at” date",
  skipToDetails: "Skip to the details",
  skipToList: "Skip to the list of what the graph shows",
  tabGraph: "Graph",
  tabList: "List",
  tabDetails: "Details",
  tabTools: "Filters and tools",
  views: "Views",
  graphLabel: "Graph of entities and claims. Arrow keys pan, + and − zoom, 0 fits; the List tab lists the same entities and claims.",
  zoomIn: "Zoom in",
  zoomOut: "Zoom out",
  zoomFit: "Fit the graph to the view",
  centre: "Centre on the selection",
  labelDensity: "Labels",
  labelDensities: { few: "Few", some: "Some", many: "Many" } as Record<string, string>,
  retry: "Retry",
  loading: "Loading…",
  detailFailed: "The details of “{name}” could not be loaded.",
  listEntities: "Entities shown ({n})",
  listClaims: "Claims shown ({n})",
  listMore: "Show {n} more",
  listEmpty: "The graph shows nothing.",
  colName: "Name",
  colKind: "Kind",
  colClaims: "Claims",
  colFrom: "From",
  colType: "Relation",
  colTo: "To",
  colConfidence: "Confidence",
  colDates: "Dates",
  claim: "Claim",
  claimNotShown: "This claim is not in the current view.",
  showNeighbours: "Show all neighbours",
  showGroup: "Show on the graph",
  groupShown: "shown",
  connectTo: "Connect to…",
  menuFor: "Actions for {name}",
  menuDetails: "Details",
  added: "{n} entities added to the graph.",
  addedOne: "1 entity added to the graph.",
  nothingNew: "Nothing new: all of what {name} has there is already shown.",
  nothingNewCut: "Nothing new: what {name} has there is already shown, as far as the graph's limit lets it.",
  confidenceHides: "A minimum confidence hides every claim without a stated confidence, and most claims have none. 0 keeps them.",
  pathPickBoth: "Name both ends: type a name and pick it from the list.",
  pathNotFound: "No entity is named “{q}”.",
  pathAmbiguous: "“{q}” could be several entities ({names}): pick one from the list.",
  pathSame: "The two ends are the same entity.",
  pathFound: "{n} shortest paths of {hops} hops.",
  pathFoundOne: "1 shortest path of {hops} hops.",
  pathClear: "Clear the path",
  path: "Path",
  precision: "Date precision",
  precisionDay: "a day",
  precisionMonth: "a month",
  precisionYear: "a year, or vaguer",
  precisionSpan: "a span",
  timelineRows: "Rows",
  timelineHelp: "Wheel or pinch to zoom, drag to move, scroll the rows on the side. Keys: ← → move, + − zoom.",
  timelineLabel: "Timeline. Arrow keys move, + and − zoom; the List tab lists what the graph shows.",
  exportCaption: "Attribution explorer, exported {date}",
  noneShown: "none",
  direction: { OUT: "→", IN: "←" } as Record<string, string>,
  relType: {
    TARGETED: "targeted", CONDUCTED: "conducted", OPERATES_FOR: "operates for", ATTRIBUTED_TO: "attributed to",
    PART_OF: "part of", GOVERNMENT_OF: "government of", LOCATED_IN: "located in", WORKS_FOR: "works for",
    MEMBER_OF: "member of", FRONT_FOR: "front for", SUPPORTED: "supported", CHARGES: "charges",
    ISSUED_BY: "issued by", CONCERNS: "concerns", ACCUSES: "accuses", STOLE: "stole", USES: "uses",
    EXPLOITED: "exploited", DEVELOPED: "developed", LEAKED: "leaked", RELATED_TO: "related to",
  } as Record<string, string>,
  code: {
    ATTRIBUTION: "attribution", ADVISORY: "advisory", DISCLOSURE: "disclosure", STATEMENT: "statement",
    LEGAL_ACTION: "legal action", LEAK: "leak", COMMITMENT: "commitment", GOVERNMENT: "government",
    AGENCY: "agency", COMPANY: "company", FRONT_COMPANY: "front company", UNIVERSITY: "university",
    ALLIANCE: "alliance", FORUM: "forum", POLITICAL_CAMPAIGN: "political campaign",
  } as Record<string, string>,
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
  knownAtHelp: "Le graphe tel que le public le connaissait à cette date : une affirmation compte dès qu’une de ses sources était publique à coup sûr (une source datée d’un mois compte à partir du dernier jour du mois, une source datée d’une année à partir du 31 décembre).",
  apply: "Appliquer",
  reset: "Réinitialiser",
  knownBanner: "Tel que connu le {date}",
  knownClear: "Tout ce qui est connu aujourd’hui",
  legend: "Légende",
  details: "Détails",
  nothingSelected: "Sélectionnez un nœud ou un élément de la frise pour voir ses affirmations et leurs sources.",
  aliases: "Alias",
  relations: "Relations",
  sources: "Sources",
  confidence: "confiance",
  noConfidence: "confiance non précisée",
  origin: "source",
  curated: "données vérifiées",
  alternatives: "D’autres jeux de données disent",
  expand: "Afficher les voisins",
  connect: "Quel lien entre A et B ?",
  pathFrom: "De (A)",
  pathTo: "À (B)",
  findPaths: "Trouver les chemins",
  noPath: "Aucun chemin en 6 étapes au plus avec ces filtres.",
  hop: "étape",
  export: "Exporter",
  exportPNG: "Graphe en PNG",
  exportJSON: "Sous-graphe visible en JSON",
  exportCSV: "Frise en CSV",
  timeline: "Frise chronologique",
  linkTimeline: "Filtrer le graphe sur la fenêtre de la frise",
  unreachable: "Le serveur est injoignable.",
  storeUnavailable: "La base de données est indisponible pour l’instant. Réessayez dans un moment.",
  truncated: "Seule une partie du graphe est affichée : une limite a été atteinte.",
  emptyGraph: "Rien ne correspond à ces filtres.",
  language: "Langue",
  copyLink: "Copier le lien de cette vue",
  copied: "Lien copié",
  notYetPublic: "pas encore public à la date « connu au »",
  skipToDetails: "Aller aux détails",
  skipToList: "Aller à la liste de ce que montre le graphe",
  tabGraph: "Graphe",
  tabList: "Liste",
  tabDetails: "Détails",
  tabTools: "Filtres et outils",
  views: "Vues",
  graphLabel: "Graphe des entités et des affirmations. Les flèches déplacent, + et − zooment, 0 ajuste ; l’onglet Liste donne les mêmes entités et affirmations.",
  zoomIn: "Zoomer",
  zoomOut: "Dézoomer",
  zoomFit: "Ajuster le graphe à la vue",
  centre: "Centrer sur la sélection",
  labelDensity: "Étiquettes",
  labelDensities: { few: "Peu", some: "Quelques-unes", many: "Beaucoup" },
  retry: "Réessayer",
  loading: "Chargement…",
  detailFailed: "Les détails de « {name} » n’ont pas pu être chargés.",
  listEntities: "Entités affichées ({n})",
  listClaims: "Affirmations affichées ({n})",
  listMore: "Afficher {n} de plus",
  listEmpty: "Le graphe n’affiche rien.",
  colName: "Nom",
  colKind: "Type",
  colClaims: "Affirmations",
  colFrom: "De",
  colType: "Type de relation",
  colTo: "Vers",
  colConfidence: "Confiance",
  colDates: "Dates",
  claim: "Affirmation",
  claimNotShown: "Cette affirmation n’est pas dans la vue actuelle.",
  showNeighbours: "Afficher tous les voisins",
  showGroup: "Afficher sur le graphe",
  groupShown: "affichées",
  connectTo: "Relier à…",
  menuFor: "Actions pour {name}",
  menuDetails: "Détails",
  added: "{n} entités ajoutées au graphe.",
  addedOne: "1 entité ajoutée au graphe.",
  nothingNew: "Rien de nouveau : tout ce que {name} a là est déjà affiché.",
  nothingNewCut: "Rien de nouveau : ce que {name} a là est déjà affiché, dans la limite du graphe.",
  confidenceHides: "Une confiance minimale masque toutes les affirmations sans confiance précisée, et la plupart n’en ont pas. 0 les garde.",
  pathPickBoth: "Nommez les deux extrémités : tapez un nom et choisissez-le dans la liste.",
  pathNotFound: "Aucune entité ne s’appelle « {q} ».",
  pathAmbiguous: "« {q} » peut désigner plusieurs entités ({names}) : choisissez-en une dans la liste.",
  pathSame: "Les deux extrémités sont la même entité.",
  pathFound: "{n} plus courts chemins de {hops} étapes.",
  pathFoundOne: "1 plus court chemin de {hops} étapes.",
  pathClear: "Effacer le chemin",
  path: "Chemin",
  precision: "Précision des dates",
  precisionDay: "un jour",
  precisionMonth: "un mois",
  precisionYear: "une année, ou moins précis",
  precisionSpan: "une période",
  timelineRows: "Lignes",
  timelineHelp: "Molette ou pincement pour zoomer, glisser pour déplacer, faire défiler les lignes sur le côté. Touches : ← → déplacent, + − zooment.",
  timelineLabel: "Frise. Les flèches déplacent, + et − zooment ; l’onglet Liste donne ce que montre le graphe.",
  exportCaption: "Explorateur d’attributions, exporté le {date}",
  noneShown: "aucune",
  direction: { OUT: "→", IN: "←" },
  relType: {
    TARGETED: "a ciblé", CONDUCTED: "a mené", OPERATES_FOR: "agit pour", ATTRIBUTED_TO: "attribué à",
    PART_OF: "fait partie de", GOVERNMENT_OF: "gouvernement de", LOCATED_IN: "situé dans", WORKS_FOR: "travaille pour",
    MEMBER_OF: "membre de", FRONT_FOR: "couverture de", SUPPORTED: "a soutenu", CHARGES: "inculpe",
    ISSUED_BY: "émis par", CONCERNS: "concerne", ACCUSES: "accuse", STOLE: "a volé", USES: "utilise",
    EXPLOITED: "a exploité", DEVELOPED: "a développé", LEAKED: "a divulgué", RELATED_TO: "lié à",
  },
  code: {
    ATTRIBUTION: "attribution", ADVISORY: "avis de sécurité", DISCLOSURE: "divulgation", STATEMENT: "déclaration",
    LEGAL_ACTION: "action en justice", LEAK: "fuite", COMMITMENT: "engagement", GOVERNMENT: "gouvernement",
    AGENCY: "agence", COMPANY: "entreprise", FRONT_COMPANY: "société écran", UNIVERSITY: "université",
    ALLIANCE: "alliance", FORUM: "forum", POLITICAL_CAMPAIGN: "campagne politique",
  },
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
export type { Messages };

/** fill replaces {name} placeholders. */
export function fill(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (m, k: string) => (k in values ? String(values[k]) : m));
}

/** relTypeLabel is a relation type in words; an unknown type is shown as the API gives it, in lower case. */
export function relTypeLabel(t: Messages, type: string): string {
  return t.relType[type] ?? type.toLowerCase().replace(/_/g, " ");
}

/** codeLabel is a code (an event type, an organization type) in words, or the code in lower case. */
export function codeLabel(t: Messages, code: string): string {
  return t.code[code] ?? code.toLowerCase().replace(/_/g, " ");
}

const LOCALES: Record<Lang, string> = { en: "en-GB", fr: "fr-FR" };

/**
 * formatDate writes a partial date in the language, at its precision:
 * "2021" stays a year, "2021-07" is "July 2021" or "juillet 2021", a day is
 * "19 July 2021". Anything else is shown as given.
 */
export function formatDate(date: string, lang: Lang): string {
  const m = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/.exec(date);
  if (!m) return date;
  const [, y, mo, d] = m;
  if (!mo) return y;
  const at = new Date(Date.UTC(Number(y), Number(mo) - 1, d ? Number(d) : 1));
  const opts: Intl.DateTimeFormatOptions = d ? { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" } : { month: "long", year: "numeric", timeZone: "UTC" };
  return new Intl.DateTimeFormat(LOCALES[lang], opts).format(at);
}

/** formatSpan writes a start and an optional end. */
export function formatSpan(start: string | null, end: string | null, lang: Lang): string {
  return [start, end].filter((x): x is string => !!x).map((x) => formatDate(x, lang)).join(" – ");
}

/** formatTick labels a timeline tick in the language (vis-timeline's own labels are English). */
export function formatTick(date: Date, scale: string, lang: Lang, major = false): string {
  const f = (o: Intl.DateTimeFormatOptions) => new Intl.DateTimeFormat(LOCALES[lang], { timeZone: "UTC", ...o }).format(date);
  switch (scale) {
    case "millisecond": case "second": case "minute": case "hour":
      return major ? f({ day: "numeric", month: "long", year: "numeric" }) : f({ hour: "2-digit", minute: "2-digit" });
    case "weekday": case "day": case "week":
      return major ? f({ month: "long", year: "numeric" }) : f({ day: "numeric" });
    case "month":
      return major ? f({ year: "numeric" }) : f({ month: "short" });
    default:
      return major ? "" : f({ year: "numeric" });
  }
}

/** browserLang picks French for any French locale, English otherwise. */
export function browserLang(languages: readonly string[]): Lang {
  for (const l of languages) {
    if (l.toLowerCase().startsWith("fr")) return "fr";
    if (l.toLowerCase().startsWith("en")) return "en";
  }
  return "en";
}
