// Each import source on fixtures shaped as the vendors document them: what
// lands in the inventory, what is noted as not carried over, and the bad
// inputs that must stop with the file named and what was expected.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it, onTestFinished } from 'vitest';
import { InputError } from '../../../src/errors.js';
import { importInventory } from '../../../src/import/index.js';
import type { ImportNote } from '../../../src/import/notes.js';
import { parseInventory } from '../../../src/model/load-inventory.js';

const fixtures = resolve(import.meta.dirname, '../../fixtures/import');
const at = (p: string) => join(fixtures, p);

async function tempFile(name: string, text: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'lbd-import-unit-'));
  onTestFinished(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, name);
  await writeFile(file, text);
  return file;
}

/** Each note as one line, `subject: detail`. */
const lines = (notes: readonly ImportNote[]) => notes.map((n) => `${n.subject}: ${n.detail}`).join('\n');

async function importError(...args: Parameters<typeof importInventory>): Promise<InputError> {
  const err = await importInventory(...args).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(InputError);
  return err as InputError;
}

describe('--from elb-json', () => {
  it('joins a folder of saved responses by ids into one load balancer', async () => {
    const { yaml, notes } = await importInventory('elb-json', [at('elb-json/shop')]);
    const inv = parseInventory(yaml);
    const [entry] = inv.loadbalancers;
    expect(entry?.loadbalancer).toMatchObject({ name: 'shop-lb', type: 'dedicated', eip: '203.0.113.10' });
    expect(entry?.listeners.map((l) => [l.name, l.protocol, l.protocol_port, l.default_pool_id])).toEqual([
      ['web', 'HTTP', 18080, '36ce7086-a496-4666-9064-5ba0e6840c75'],
    ]);
    const pool = entry?.pools[0];
    expect(pool?.healthmonitor).toMatchObject({ type: 'TCP', delay: 1, max_retries: 2 });
    expect(pool?.members.map((m) => [m.name, m.protocol_port, m.operating_status])).toEqual([
      ['app1', 18091, 'ONLINE'],
      ['app2', 18092, 'OFFLINE'],
    ]);
    expect(entry?.l7policies[0]).toMatchObject({
      listener: 'web',
      rules: [{ type: 'HOST_NAME', compare_type: 'EQUAL_TO', value: 'api.shop.example' }],
    });
    // A documented field with no inventory equivalent is listed, in the YAML header too.
    expect(lines(notes)).toMatch(/loadbalancer field waf_failure_action/);
    expect(yaml).toMatch(/^# .*waf_failure_action/m);
    // Bookkeeping (timestamps, project ids) is not noise in the notes.
    expect(lines(notes)).not.toMatch(/created_at|project_id/);
  });

  it('reads several load balancers from one list; keys never copied; unknown types and protocols listed', async () => {
    const { yaml, notes } = await importInventory('elb-json', [at('elb-json/two-lbs.json')]);
    const inv = parseInventory(yaml);
    expect(inv.loadbalancers.map((e) => [e.loadbalancer.name, e.loadbalancer.type])).toEqual([
      ['api-lb', 'dedicated'],
      ['legacy-lb', 'shared'],
    ]);
    const https = inv.loadbalancers[0]?.listeners[0];
    expect(https).toMatchObject({
      protocol: 'HTTPS',
      default_tls_container_ref: '233a325e5e3e4ce8beeb320aa714cc12',
      ipgroup: { type: 'white', ip_list: ['192.0.2.0/24', '198.51.100.7'], enable: true },
    });
    expect(inv.loadbalancers[0]?.pools[0]?.deregistration_delay).toBe(60);
    // An unnamed listener takes its id as its name.
    expect(inv.loadbalancers[1]?.listeners[0]?.name).toBe('2f1e0d9c-8b7a-4f6e-9d5c-4b3a2f1e0d9c');
    expect(inv.certificates).toHaveLength(1);
    expect(inv.certificates[0]?.private_key).toBeUndefined();
    expect(yaml).not.toMatch(/PRIVATE KEY|secretsecret/);
    const said = lines(notes);
    expect(said).toMatch(/certificate field private_key: private keys never land/);
    expect(said).toMatch(/"flavors": not an ELB resource/);
    expect(said).toMatch(/listener "api-tls": protocol TLS is not modelled/);
  });

  it('refuses JSON that is no ELB response, naming the file and what was expected', async () => {
    const file = await tempFile('pool-show.json', JSON.stringify({ id: 'x', lb_algorithm: 'ROUND_ROBIN' }));
    const err = await importError('elb-json', [file]);
    expect(err.message).toBe(`${file} is not a saved ELB v3 API response`);
    expect(err.problems[0]).toMatchObject({ file, expected: expect.stringContaining('loadbalancer(s)') });
  });

  it('takes an empty list as an answer (a pool without members)', async () => {
    const file = await tempFile(
      'lb.json',
      JSON.stringify([
        { loadbalancer: { id: 'lb', name: 'lb', guaranteed: true } },
        { pools: [{ id: 'p', protocol: 'HTTP', loadbalancers: [{ id: 'lb' }] }] },
      ]),
    );
    const empty = await tempFile('members.json', '{"members": [], "page_info": {"current_count": 0}}');
    const { yaml } = await importInventory('elb-json', [file, empty]);
    expect(parseInventory(yaml).loadbalancers[0]?.pools[0]?.members).toEqual([]);
  });

  it('refuses a truncated file with its line and column', async () => {
    const file = await tempFile(
      'lb.json',
      '{"loadbalancer": {"id": "a", "name": "b",\n  "vip_address": "10.0',
    );
    const err = await importError('elb-json', [file]);
    expect(err.problems[0]).toMatchObject({ file, line: expect.any(Number) });
  });

  it('refuses responses without a load balancer', async () => {
    const err = await importError('elb-json', [at('elb-json/shop/members.json')]);
    expect(err.message).toMatch(/^no load balancer in the saved ELB v3 API responses/);
    expect(err.problems[0]?.file).toContain('members.json');
  });

  it('reads standard input', async () => {
    const { yaml } = await importInventory('elb-json', ['-'], {
      stdin: Readable.from([
        JSON.stringify([
          { loadbalancer: { id: 'lb1', name: 'in', guaranteed: false, vip_address: '10.0.0.1' } },
        ]),
      ]),
    });
    expect(parseInventory(yaml).loadbalancers[0]?.loadbalancer).toMatchObject({ name: 'in', type: 'shared' });
  });
});

describe('--from octavia', () => {
  it('recognises each saved CLI output by its fields and joins them by ids', async () => {
    const { yaml } = await importInventory('octavia', [at('octavia/shop')]);
    const [entry] = parseInventory(yaml).loadbalancers;
    expect(entry?.listeners[0]).toMatchObject({
      name: 'web',
      default_pool_id: 'c8c3d9c5-1f0b-4a43-8a8e-0b3a7f6d2e91',
    });
    // The pool's member ids come as one newline-separated string from some CLI versions.
    expect(entry?.pools[0]?.members.map((m) => m.name)).toEqual(['app1', 'app2']);
    expect(entry?.pools[0]?.healthmonitor?.type).toBe('TCP');
  });

  it("maps Octavia's protocols, milliseconds and allow-list; certificates and SSH reach come from --hosts", async () => {
    const hosts = await tempFile(
      'hosts.yaml',
      `hosts:\n  web1: {ssh: "ssh://root@10.1.0.21"}\ncertificates:\n  - id: https://barbican.example:9311/v1/containers/5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9\n    certificate: ./www.pem\n`,
    );
    const { yaml, notes } = await importInventory('octavia', [at('octavia/tls')], { hosts });
    const inv = parseInventory(yaml);
    const [www, mail] = inv.loadbalancers[0]?.listeners ?? [];
    expect(www).toMatchObject({
      protocol: 'HTTPS',
      keepalive_timeout: 50,
      member_timeout: 50,
      ipgroup: { type: 'white', ip_list: ['192.0.2.0/24'] },
    });
    expect(mail).toMatchObject({ protocol: 'TCP' });
    expect(mail?.keepalive_timeout).toBeUndefined();
    expect(inv.hosts).toEqual({ web1: { ssh: 'ssh://root@10.1.0.21' } });
    const said = lines(notes);
    expect(said).toMatch(/86400000 ms is outside/);
    expect(said).toMatch(/check type PING is not modelled/);
    expect(said).toMatch(/SOURCE_IP_PORT: not modelled/);
    expect(said).toMatch(/TLS pass-through\) listener: imported as TCP/);
    // l7policy show + l7rule list: joined by the policy's rule ids; the HEADER rule has no inventory match type.
    expect(inv.loadbalancers[0]?.l7policies).toEqual([
      expect.objectContaining({
        name: 'static',
        listener: 'www',
        priority: 1,
        rules: [{ type: 'PATH', compare_type: 'STARTS_WITH', value: '/static' }],
      }),
    ]);
    expect(said).toMatch(/l7 rule HEADER EQUAL_TO of l7policy "static".*matches more here/);
  });

  it('without the certificate in --hosts, says which certificate the HTTPS listener lacks', async () => {
    const err = await importError('octavia', [at('octavia/tls')]);
    expect(err.problems[0]).toMatchObject({
      field: 'listeners[0].default_tls_container_ref',
      message: expect.stringContaining('no certificate with id "https://barbican.example'),
    });
    expect(err.hint).toMatch(/--hosts/);
  });

  it('refuses a file of another kind, naming it and the outputs expected', async () => {
    const err = await importError('octavia', [at('terraform/huaweicloud-plan.json')]);
    expect(err.message).toMatch(/huaweicloud-plan\.json is not a saved Octavia CLI output/);
    expect(err.problems[0]?.expected).toMatch(
      /loadbalancer show, listener list\/show, pool show, member list/,
    );
  });
});

describe('--from terraform', () => {
  it('follows references in a plan, where ids are unknown, to the for_each instances', async () => {
    const { yaml, notes } = await importInventory('terraform', [at('terraform/huaweicloud-plan.json')]);
    const [entry] = parseInventory(yaml).loadbalancers;
    expect(entry?.loadbalancer).toMatchObject({ id: 'huaweicloud_elb_loadbalancer.shop', type: 'dedicated' });
    expect(entry?.listeners[0]).toMatchObject({
      default_pool_id: 'huaweicloud_elb_pool.web',
      insert_headers: { 'X-Forwarded-ELB-IP': true, 'X-Forwarded-Host': true },
    });
    expect(entry?.pools[0]?.members.map((m) => [m.id, m.name])).toEqual([
      ['huaweicloud_elb_member.app["app1"]', 'app1'],
      ['huaweicloud_elb_member.app["app2"]', 'app2'],
    ]);
    expect(entry?.pools[0]?.healthmonitor).toMatchObject({ type: 'TCP', delay: 1 });
    expect(lines(notes)).toMatch(/1 resources of other types \(huaweicloud_vpc\)/);
  });

  it('reads state in modules, openstack_lb_members_v2 blocks, and lists unknown lb types', async () => {
    const { yaml, notes } = await importInventory('terraform', [at('terraform/openstack-state.json')]);
    const [entry] = parseInventory(yaml).loadbalancers;
    expect(entry?.pools[0]).toMatchObject({
      lb_algorithm: 'LEAST_CONNECTIONS',
      session_persistence: { type: 'HTTP_COOKIE' },
      healthmonitor: { type: 'HTTP', url_path: '/health' },
    });
    expect(entry?.pools[0]?.members.map((m) => [m.name, m.weight])).toEqual([
      ['web-a', 1],
      ['web-b', 0],
    ]);
    expect(lines(notes)).toMatch(/openstack_lb_quota_v2: not read/);
  });

  it('pairs for_each pools and members by key, and never copies a certificate key', async () => {
    const r = (type: string, name: string, values: object, index?: string) => ({
      address: `${type}.${name}${index === undefined ? '' : `["${index}"]`}`,
      mode: 'managed',
      type,
      name,
      ...(index === undefined ? {} : { index }),
      values,
    });
    const ref = (target: string) => ({ references: [`${target}.id`, target] });
    const plan = {
      format_version: '1.2',
      planned_values: {
        root_module: {
          resources: [
            r('huaweicloud_elb_loadbalancer', 'lb', { name: 'lb', ipv4_address: '10.0.0.9' }),
            r('huaweicloud_elb_certificate', 'www', {
              name: 'www',
              type: 'server',
              certificate: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
              private_key: '-----BEGIN PRIVATE KEY-----\nTOPSECRET\n-----END PRIVATE KEY-----\n',
            }),
            r('huaweicloud_elb_listener', 'https', { name: 'https', protocol: 'HTTPS', protocol_port: 443 }),
            ...['blue', 'green'].flatMap((k, n) => [
              r('huaweicloud_elb_pool', 'p', { name: k, protocol: 'HTTP', lb_method: 'ROUND_ROBIN' }, k),
              r('huaweicloud_elb_member', 'm', { address: `10.0.0.${n + 1}`, protocol_port: 80, name: k }, k),
            ]),
          ],
        },
      },
      configuration: {
        root_module: {
          resources: [
            {
              address: 'huaweicloud_elb_listener.https',
              expressions: {
                loadbalancer_id: ref('huaweicloud_elb_loadbalancer.lb'),
                server_certificate: ref('huaweicloud_elb_certificate.www'),
                default_pool_id: {
                  references: ['huaweicloud_elb_pool.p["blue"].id', 'huaweicloud_elb_pool.p["blue"]'],
                },
              },
            },
            {
              address: 'huaweicloud_elb_pool.p',
              expressions: { loadbalancer_id: ref('huaweicloud_elb_loadbalancer.lb') },
            },
            {
              address: 'huaweicloud_elb_member.m',
              expressions: {
                pool_id: {
                  references: ['huaweicloud_elb_pool.p[each.key].id', 'huaweicloud_elb_pool.p', 'each.key'],
                },
              },
            },
          ],
        },
      },
    };
    const file = await tempFile('plan.json', JSON.stringify(plan));
    const { yaml, notes } = await importInventory('terraform', [file]);
    const inv = parseInventory(yaml);
    const [entry] = inv.loadbalancers;
    expect(entry?.listeners[0]).toMatchObject({
      default_pool_id: 'huaweicloud_elb_pool.p["blue"]',
      default_tls_container_ref: 'huaweicloud_elb_certificate.www',
    });
    expect(entry?.pools.map((p) => [p.name, p.members.map((m) => m.address)])).toEqual([
      ['blue', ['10.0.0.1']],
      ['green', ['10.0.0.2']],
    ]);
    expect(yaml).not.toMatch(/TOPSECRET|PRIVATE KEY/);
    expect(lines(notes)).toMatch(/field private_key: secrets never land/);
  });

  it('lists a member whose address is known only after apply, and a link it cannot pick', async () => {
    const plan = {
      format_version: '1.2',
      planned_values: {
        root_module: {
          resources: [
            {
              address: 'openstack_lb_loadbalancer_v2.lb',
              type: 'openstack_lb_loadbalancer_v2',
              values: { name: 'lb' },
            },
            ...['a', 'b'].map((k) => ({
              address: `openstack_lb_pool_v2.p["${k}"]`,
              type: 'openstack_lb_pool_v2',
              index: k,
              values: { name: k, protocol: 'TCP', lb_method: 'ROUND_ROBIN' },
            })),
            // address = openstack_compute_instance_v2.vm.access_ip_v4: unknown in the plan.
            {
              address: 'openstack_lb_member_v2.vm',
              type: 'openstack_lb_member_v2',
              values: { protocol_port: 80 },
            },
          ],
        },
      },
      configuration: {
        root_module: {
          resources: [
            {
              address: 'openstack_lb_pool_v2.p',
              expressions: { loadbalancer_id: { references: ['openstack_lb_loadbalancer_v2.lb.id'] } },
            },
            {
              address: 'openstack_lb_member_v2.vm',
              expressions: { pool_id: { references: ['openstack_lb_pool_v2.p', 'var.which'] } },
            },
          ],
        },
      },
    };
    const file = await tempFile('plan.json', JSON.stringify(plan));
    const { yaml, notes } = await importInventory('terraform', [file]);
    expect(parseInventory(yaml).loadbalancers[0]?.pools.map((p) => p.members.length)).toEqual([0, 0]);
    const said = lines(notes);
    expect(said).toMatch(/link pool_id → openstack_lb_pool_v2\.p: names several instances; none picked/);
    expect(said).toMatch(/member openstack_lb_member_v2\.vm: no pool among the inputs names it/);
  });

  it('follows references within each instance of a module made with count', async () => {
    const resources = [0, 1].flatMap((n) => {
      const at = `module.site[${n}].`;
      return [
        {
          address: `${at}openstack_lb_loadbalancer_v2.lb`,
          type: 'openstack_lb_loadbalancer_v2',
          values: { name: `lb${n}` },
        },
        {
          address: `${at}openstack_lb_pool_v2.p`,
          type: 'openstack_lb_pool_v2',
          values: { name: `p${n}`, protocol: 'TCP' },
        },
        {
          address: `${at}openstack_lb_member_v2.m`,
          type: 'openstack_lb_member_v2',
          values: { name: `m${n}`, address: `10.0.${n}.1`, protocol_port: 80 },
        },
      ];
    });
    const plan = {
      format_version: '1.2',
      planned_values: {
        root_module: {
          child_modules: [0, 1].map((n) => ({
            address: `module.site[${n}]`,
            resources: resources.filter((r) => r.address.startsWith(`module.site[${n}].`)),
          })),
        },
      },
      configuration: {
        root_module: {
          module_calls: {
            site: {
              module: {
                resources: [
                  {
                    address: 'openstack_lb_pool_v2.p',
                    expressions: { loadbalancer_id: { references: ['openstack_lb_loadbalancer_v2.lb.id'] } },
                  },
                  {
                    address: 'openstack_lb_member_v2.m',
                    expressions: {
                      pool_id: { references: ['openstack_lb_pool_v2.p.id', 'openstack_lb_pool_v2.p'] },
                    },
                  },
                ],
              },
            },
          },
        },
      },
    };
    const file = await tempFile('plan.json', JSON.stringify(plan));
    const inv = parseInventory((await importInventory('terraform', [file])).yaml);
    expect(
      inv.loadbalancers.map((e) => [
        e.loadbalancer.name,
        e.pools.map((p) => [p.name, p.members.map((m) => m.name)]),
      ]),
    ).toEqual([
      ['lb0', [['p0', ['m0']]]],
      ['lb1', [['p1', ['m1']]]],
    ]);
  });

  it('refuses a plan without load balancers, and JSON that is not a plan', async () => {
    const noLb = await tempFile(
      'plan.json',
      JSON.stringify({
        format_version: '1.2',
        planned_values: {
          root_module: {
            resources: [
              {
                address: 'huaweicloud_vpc.v',
                mode: 'managed',
                type: 'huaweicloud_vpc',
                name: 'v',
                values: {},
              },
            ],
          },
        },
      }),
    );
    const err = await importError('terraform', [noLb]);
    expect(err.message).toBe(`${noLb} holds no load balancer`);
    expect(err.problems[0]?.expected).toMatch(/huaweicloud_elb_loadbalancer/);
    const notPlan = await importError('terraform', [at('elb-json/shop/pool.json')]);
    expect(notPlan.message).toMatch(/pool\.json is not the JSON of a Terraform plan or state/);
  });
  it('a name cannot break out of the YAML header comment', async () => {
    const file = await tempFile(
      'lb.json',
      JSON.stringify([
        { loadbalancer: { id: 'lb', name: 'lb', guaranteed: true } },
        {
          listeners: [
            { id: 'l1', name: 'x\nhosts: {evil: {ssh: evil}}\n#', protocol: 'SCTP', protocol_port: 1 },
          ],
        },
      ]),
    );
    const { yaml } = await importInventory('elb-json', [file]);
    expect(parseInventory(yaml).hosts).toEqual({});
    expect(yaml.split('\n').filter((l) => l.startsWith('hosts'))).toEqual(['hosts: {}']);
  });
});

describe('merging and naming', () => {
  it('refuses a hosts file naming a member the source does not have', async () => {
    const hosts = await tempFile('hosts.yaml', 'hosts:\n  nosuch: {ssh: "ssh://root@10.0.0.1"}\n');
    const err = await importError('elb-json', [at('elb-json/shop')], { hosts });
    expect(err.problems[0]).toMatchObject({ message: '"nosuch" is not the name of any member' });
  });

  it('gives one server name on two ports two names, and says so', async () => {
    const file = await tempFile(
      'lb.json',
      JSON.stringify([
        { loadbalancer: { id: 'lb', name: 'lb', guaranteed: true } },
        {
          pools: [
            { id: 'a', protocol: 'HTTP', members: [{ id: 'm1' }] },
            { id: 'b', protocol: 'TCP', members: [{ id: 'm2' }] },
          ],
        },
        {
          members: [
            { id: 'm1', name: 'vm1', address: '10.0.0.5', protocol_port: 80 },
            { id: 'm2', name: 'vm1', address: '10.0.0.5', protocol_port: 9000 },
          ],
        },
      ]),
    );
    const { yaml, notes } = await importInventory('elb-json', [file]);
    expect(parseInventory(yaml).loadbalancers[0]?.pools.map((p) => p.members[0]?.name)).toEqual([
      'vm1',
      'vm1-9000',
    ]);
    expect(lines(notes)).toMatch(/member name "vm1".*the second is "vm1-9000"/);
  });
});
