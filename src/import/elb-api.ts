// The ELB v3 API itself: `--from elb-api REGION/LB_ID…`. Read-only GETs,
// signed with the AK/SK the Huawei Cloud SDKs read from the environment
// (HUAWEICLOUD_SDK_AK, HUAWEICLOUD_SDK_SK, HUAWEICLOUD_SDK_PROJECT_ID) by the
// SDK core's own signer, pages followed by marker. The responses are the
// same documents a user would save by hand, so `--from elb-json` maps them.
import { ExitCode, InputError, LbdError, UsageError } from '../errors.js';
import type { SourceDocument } from './read-sources.js';
import { type ApiObject, ids, isObject, str } from './values.js';

export interface ElbApiOptions {
  env?: NodeJS.ProcessEnv;
}

const REQUEST_TIMEOUT_MS = 15_000;
/** Waits before retrying a throttled request (429), unless the API's Retry-After says otherwise. */
const RETRY_DELAYS_MS = [1000, 2000, 4000];

interface Credentials {
  ak: string;
  sk: string;
  projectId: string;
}

/** Pages of `limit` items; the API's documented maximum page is 2000. */
const PAGE = 2000;
const MAX_PAGES = 1000;

function credentials(env: NodeJS.ProcessEnv): Credentials {
  const missing = ['HUAWEICLOUD_SDK_AK', 'HUAWEICLOUD_SDK_SK', 'HUAWEICLOUD_SDK_PROJECT_ID'].filter(
    (k) => !env[k],
  );
  if (missing.length) {
    throw new UsageError(
      `--from elb-api needs ${missing.join(', ')} in the environment`,
      'the same variables the Huawei Cloud SDKs read: an access key, its secret key and the project id of the region (My Credentials → API Credentials)',
    );
  }
  return {
    ak: env.HUAWEICLOUD_SDK_AK as string,
    sk: env.HUAWEICLOUD_SDK_SK as string,
    projectId: env.HUAWEICLOUD_SDK_PROJECT_ID as string,
  };
}

/** `cn-north-4/2b0b…` → region and load balancer id. */
export function parseElbApiInput(input: string): { region: string; loadbalancerId: string } {
  const m = /^([a-z0-9-]+)\/([A-Za-z0-9-]+)$/.exec(input);
  if (!m)
    throw new UsageError(
      `"${input}" is not REGION/LOADBALANCER_ID`,
      'e.g. cn-north-4/2b0b9b5c-5a48-4e1f-8c4b-6a1d3c2e9f10 (the id is on the load balancer’s Summary page)',
    );
  return { region: m[1] as string, loadbalancerId: m[2] as string };
}

type Signer = typeof import('@huaweicloud/huaweicloud-sdk-core/auth/AKSKSigner.js').AKSKSigner;

class ElbApi {
  readonly #base: string;
  readonly #creds: Credentials;
  readonly #signer: Signer;

  constructor(base: string, creds: Credentials, signer: Signer) {
    this.#base = base.replace(/\/+$/, '');
    this.#creds = creds;
    this.#signer = signer;
  }

  /** One signed GET of `/v3/{project_id}/elb/PATH`. Only GET: lbdoctor never changes a load balancer. */
  async get(path: string, query: Record<string, string> = {}): Promise<ApiObject> {
    const endpoint = `${this.#base}/v3/${this.#creds.projectId}/elb/${path}`;
    const request = {
      endpoint,
      method: 'GET',
      headers: { 'Content-Type': 'application/json', 'X-Project-Id': this.#creds.projectId },
      queryParams: query,
    };
    const qs = new URLSearchParams(query).toString();
    const url = qs ? `${endpoint}?${qs}` : endpoint;
    for (let attempt = 0; ; attempt++) {
      // Signed afresh each time: the signature covers X-Sdk-Date.
      const signed = this.#signer.sign(request, {
        getAk: () => this.#creds.ak,
        getSk: () => this.#creds.sk,
      } as never);
      const headers = Object.fromEntries(
        Object.entries(signed as Record<string, string>).filter(([k]) => k.toLowerCase() !== 'host'),
      );
      let res: Response;
      try {
        res = await fetch(url, { method: 'GET', headers, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
      } catch (err) {
        const cause = (err as { cause?: { code?: string; message?: string } }).cause;
        throw new LbdError('LBD_ERR_CLOUD_API', `cannot reach the ELB API at ${this.#base}`, {
          problems: [{ message: `GET ${path}: ${cause?.code ?? cause?.message ?? (err as Error).message}` }],
          hint: 'check the region and the network path to the endpoint (LBDOCTOR_ELB_ENDPOINT overrides it)',
          exitCode: ExitCode.couldNotCheck,
        });
      }
      const text = await res.text();
      if (res.ok) {
        try {
          const body = JSON.parse(text) as unknown;
          if (isObject(body)) return body;
        } catch {}
        throw new LbdError(
          'LBD_ERR_CLOUD_API',
          `the ELB API answered GET ${path} with something that is not JSON`,
          {
            exitCode: ExitCode.couldNotCheck,
          },
        );
      }
      const delay = RETRY_DELAYS_MS[attempt];
      if (res.status === 429 && delay !== undefined) {
        const after = Number(res.headers.get('retry-after'));
        await new Promise((r) => setTimeout(r, Number.isFinite(after) && after > 0 ? after * 1000 : delay));
        continue;
      }
      throw this.#failure(res.status, path, text);
    }
  }

  #failure(status: number, path: string, text: string): LbdError {
    let said = '';
    try {
      const body = JSON.parse(text) as ApiObject;
      const inner = isObject(body.error) ? body.error : body;
      said = [str(inner.error_code) ?? str(inner.code), str(inner.error_msg) ?? str(inner.message)]
        .filter(Boolean)
        .join(': ');
    } catch {}
    const problems = [{ message: `GET ${path}: HTTP ${status}${said ? ` (${said})` : ''}` }];
    if (status === 401 || status === 403)
      return new LbdError(
        'LBD_ERR_CLOUD_AUTH',
        status === 401
          ? 'the ELB API refused the credentials'
          : 'the credentials may not read this load balancer',
        {
          problems,
          hint:
            status === 401
              ? 'check HUAWEICLOUD_SDK_AK / HUAWEICLOUD_SDK_SK and this machine’s clock (signatures expire after 15 minutes)'
              : 'give the IAM user read-only ELB access (ELB ReadOnlyAccess) in this project',
          exitCode: ExitCode.couldNotCheck,
        },
      );
    if (status === 404)
      return new InputError(
        'the ELB API has no such resource',
        problems,
        'check the region, project and load balancer id',
      );
    return new LbdError(
      'LBD_ERR_CLOUD_API',
      status === 429 ? 'the ELB API kept throttling the requests' : `the ELB API failed (HTTP ${status})`,
      {
        problems,
        hint: 'try again in a minute, or save the responses and use --from elb-json',
        exitCode: ExitCode.couldNotCheck,
      },
    );
  }

  /** Every page of a list: `limit` and `marker`, until the API gives no next_marker. */
  async list(path: string, key: string, query: Record<string, string>): Promise<ApiObject[]> {
    const all: ApiObject[] = [];
    let marker: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const body = await this.get(path, { ...query, limit: String(PAGE), ...(marker ? { marker } : {}) });
      const items = Array.isArray(body[key]) ? (body[key] as unknown[]).filter(isObject) : [];
      all.push(...items);
      const info = isObject(body.page_info) ? body.page_info : {};
      marker = str(info.next_marker);
      if (!marker || items.length === 0) return all;
    }
    return all;
  }
}

/**
 * Reads one load balancer and everything it uses: listeners, pools, members,
 * health monitors, L7 policies and their rules, certificates and IP groups.
 */
async function readLoadBalancer(api: ElbApi, id: string, where: string): Promise<SourceDocument[]> {
  const docs: SourceDocument[] = [];
  const add = (value: ApiObject) => docs.push({ file: where, value });
  add(await api.get(`loadbalancers/${id}`));
  const listeners = await api.list('listeners', 'listeners', { loadbalancer_id: id });
  const pools = await api.list('pools', 'pools', { loadbalancer_id: id });
  add({ listeners, pools });
  for (const pool of pools) {
    const poolId = str(pool.id);
    if (!poolId) continue;
    add({
      members: (await api.list(`pools/${poolId}/members`, 'members', {})).map((m) => ({
        ...m,
        pool_id: poolId,
      })),
    });
    const monitor = str(pool.healthmonitor_id);
    if (monitor) add(await api.get(`healthmonitors/${monitor}`));
  }
  const certificates = new Set<string>();
  const ipgroups = new Set<string>();
  for (const l of listeners) {
    const listenerId = str(l.id);
    if (!listenerId) continue;
    const policies = await api.list('l7policies', 'l7policies', { listener_id: listenerId });
    add({ l7policies: policies });
    for (const p of policies) add({ rules: await api.list(`l7policies/${str(p.id)}/rules`, 'rules', {}) });
    for (const ref of [
      l.default_tls_container_ref,
      l.client_ca_tls_container_ref,
      ...ids(l.sni_container_refs),
    ]) {
      const certificate = str(ref);
      if (certificate) certificates.add(certificate);
    }
    const group = isObject(l.ipgroup) ? str(l.ipgroup.ipgroup_id) : undefined;
    if (group) ipgroups.add(group);
  }
  for (const c of certificates) add(await api.get(`certificates/${c}`));
  for (const g of ipgroups) add(await api.get(`ipgroups/${g}`));
  return docs;
}

export async function readElbApi(
  inputs: readonly string[],
  opts: ElbApiOptions = {},
): Promise<SourceDocument[]> {
  const env = opts.env ?? process.env;
  const targets = inputs.map(parseElbApiInput);
  const creds = credentials(env);
  const { AKSKSigner } = await import('@huaweicloud/huaweicloud-sdk-core/auth/AKSKSigner.js');
  const docs: SourceDocument[] = [];
  for (const { region, loadbalancerId } of targets) {
    const base = env.LBDOCTOR_ELB_ENDPOINT || `https://elb.${region}.myhuaweicloud.com`;
    const api = new ElbApi(base, creds, AKSKSigner);
    docs.push(...(await readLoadBalancer(api, loadbalancerId, `elb-api:${region}/${loadbalancerId}`)));
  }
  return docs;
}
