// The one way the explorer talks to the server: the public GraphQL API.

export class ApiError extends Error {
  constructor(message: string, readonly unreachable = false) {
    super(message);
  }
}

export async function gql<T>(query: string, variables: Record<string, unknown> = {}, endpoint = "/graphql"): Promise<T> {
  let res: Response;
  try {
    res = await fetch(endpoint, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ query, variables }),
    });
  } catch {
    throw new ApiError("server unreachable", true);
  }
  let body: { data?: T; errors?: { message: string }[] };
  try {
    body = (await res.json()) as typeof body;
  } catch {
    throw new ApiError(`server answered ${res.status}`, res.status >= 500);
  }
  if (body.errors?.length) {
    const msg = body.errors.map((e) => e.message).join("; ");
    throw new ApiError(msg, msg === "store unavailable");
  }
  return body.data as T;
}

/**
 * serverVersion is the version the server reports at /healthz, or null when it
 * cannot be read: the version is shown for information, and its absence is no error.
 */
export async function serverVersion(endpoint = "/healthz"): Promise<string | null> {
  try {
    const res = await fetch(endpoint, { headers: { Accept: "application/json" } });
    if (!res.ok) return null;
    const body = (await res.json()) as { version?: unknown };
    return typeof body.version === "string" && body.version !== "" ? body.version : null;
  } catch {
    return null;
  }
}

const SOURCE = "id title publisher url published language";
const ENTITY = `id kind name aliases description start end attributes { key value } sources { ${SOURCE} }`;
const RELATION = `id type role start end confidence description from { id } to { id } sources { ${SOURCE} }`;

/**
 * SEARCH asks twice in one request: the best ten hits of every kind, and the
 * best five among actors, people, organisations and countries, which a name
 * mentioned in many campaign and event titles would push out of the ten
 * (a typo of "Leviathan": ten campaigns, not APT40 whose alias it is).
 * rankHits merges them.
 */
export const SEARCH = `query Search($q: String!) {
  search(query: $q, first: 10) { matched score entity { id name kind } }
  named: search(query: $q, first: 5, kinds: [THREAT_ACTOR, PERSON, ORGANIZATION, COUNTRY]) { matched score entity { id name kind } }
}`;

export const NEIGHBORHOOD = `query Neighborhood($ids: [ID!]!, $depth: Int, $filter: GraphFilter, $limit: Int) {
  neighborhood(ids: $ids, depth: $depth, filter: $filter, limit: $limit) { truncated nodes { ${ENTITY} } edges { ${RELATION} } }
}`;

/**
 * BRIEF_NEIGHBORHOOD asks for what the graph and the list draw, no more: the
 * sources, descriptions and attributes (nine tenths of the answer) are read
 * when a node or a claim is opened (DETAIL, CLAIM) or the graph exported.
 */
export const BRIEF_NEIGHBORHOOD = `query Neighborhood($ids: [ID!]!, $depth: Int, $filter: GraphFilter, $limit: Int) {
  neighborhood(ids: $ids, depth: $depth, filter: $filter, limit: $limit) { truncated nodes { id kind name start end } edges { id type role start end confidence from { id } to { id } } }
}`;

/** CLAIM reads one claim whole: among its source entity's relations of its type. */
export const CLAIM = `query Claim($from: ID!, $type: String!) {
  entity(id: $from) { relations(direction: OUT, types: [$type], first: 1000) { ${RELATION} from { id name } to { id name } } }
}`;

export const DETAIL = `query Detail($id: ID!) {
  entity(id: $id) {
    ${ENTITY}
    ... on Country { iso2 iso3 }
    ... on Organization { orgType }
    ... on Event { eventType }
    ... on ThreatActor { mitreAttackId }
    ... on Malware { mitreAttackId }
    ... on Vulnerability { cves }
    ... on Indictment { court caseNumber filed unsealed charges defendants { id name } }
    alternatives { field value sources { ${SOURCE} } }
    relationCounts { type direction count atLeast }
    relations(first: 500) { ${RELATION} from { id name } to { id name } }
  }
}`;

export const PATHS = `query Paths($from: ID!, $to: ID!, $filter: GraphFilter) {
  paths(from: $from, to: $to, maxLength: 6, first: 3, filter: $filter) {
    length nodes { ${ENTITY} } edges { ${RELATION} from { id name } to { id name } }
  }
}`;

export const TIMELINE = `query Timeline($filter: TimelineFilter, $startsInside: Boolean) {
  timeline(filter: $filter, first: 500, startsInside: $startsInside) { totalCount edges { node { id date end title entity { id kind } relation { id type from { id name } to { id name } } sources { ${SOURCE} } } } }
}`;

/** LATEST reads the dated events since a year, to pick the latest attributions from (model.ts latestStories). */
export const LATEST = `query Latest($from: PartialDate!) {
  timeline(filter: {kinds: [EVENT], from: $from}, startsInside: true, first: 500) { edges { node { date title entity { id ... on Event { eventType } } } } }
}`;

export const RELATION_TYPES = `{ relationTypes { name meaning } datasets { id name version } }`;
