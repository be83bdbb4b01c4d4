// real-ip-config over a lab host's sshd on real configuration trees (FAQ 3.9):
// a copy of Debian's stock /etc/apache2 (the apache2 package), where
// LoadModule remoteip_module sits in mods-enabled/remoteip.load and the
// settings in conf-enabled/, never in apache2.conf; and an nginx tree whose
// real-IP settings are in conf.d/. The probe follows Include/IncludeOptional
// and include through the allow-listed reads, and what it finds is what the
// servers themselves say: `apache2 -t -D DUMP_MODULES` and `nginx -T` on the
// same trees. Needs root, `ip netns`, sshd, apache2 and nginx; skipped with
// the reason otherwise. Run `npm run build` first.
import { existsSync } from 'node:fs';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { labSupport } from '../../src/lab/netns.js';
import { useSshProbeHost } from '../helpers/ssh-probe-host.js';

const support = await labSupport();
const why = !support.ok
  ? support.reason
  : !existsSync('/usr/sbin/sshd')
    ? 'no /usr/sbin/sshd'
    : !existsSync('/etc/apache2/apache2.conf') || !existsSync('/usr/sbin/apache2')
      ? "no stock Debian Apache (the apache2 package's /etc/apache2 and /usr/sbin/apache2)"
      : !existsSync('/usr/sbin/nginx')
        ? 'no /usr/sbin/nginx'
        : undefined;
if (why) console.warn(`skipping the real-IP include lab test: ${why}`);

const _bin = fileURLToPath(new URL('../../bin/lbdoctor.js', import.meta.url));

interface Observed {
  outcome: string;
  summary: string;
  data: {
    config?: { header?: string; moduleLoaded?: boolean; trusted: string[]; sources: string[] };
    files?: string[];
    notRead?: string[];
  };
}

describe.skipIf(why !== undefined)('real-ip-config follows includes on real trees, over SSH', () => {
  const be1 = useSshProbeHost();

  const probe = async (params: Record<string, string>): Promise<Observed> => {
    const r = await be1.probe([
      'real-ip-config',
      ...Object.entries(params).flatMap(([k, v]) => ['--with', `${k}=${v}`]),
    ]);
    expect(r.stderr).not.toMatch(/internal error|at .*\.js:\d+/);
    return JSON.parse(r.stdout).observation as Observed;
  };

  /** A copy of the stock /etc/apache2 (symlinks kept), changed the way an operator would. */
  async function debianApache(name: string, remoteip: 'enabled' | 'not-enabled'): Promise<string> {
    const root = join(be1.lab().dir, name);
    await mkdir(root, { recursive: true });
    const tree = join(root, 'apache2');
    await execa('cp', ['-a', '/etc/apache2', tree]);
    // a2enmod remoteip: a symlink in mods-enabled to the package's .load file.
    if (remoteip === 'enabled')
      await symlink('../mods-available/remoteip.load', join(tree, 'mods-enabled/remoteip.load'));
    // The settings as a conf-enabled snippet (a2enconf); guarded so Apache starts without the module.
    await writeFile(
      join(tree, 'conf-enabled/remoteip.conf'),
      [
        '# The client address from the load balancer (FAQ 3.9)',
        '<IfModule remoteip_module>',
        '    RemoteIPHeader X-Forwarded-For',
        '    RemoteIPInternalProxy 100.125.0.0/16',
        '</IfModule>',
        '',
      ].join('\n'),
    );
    return tree;
  }

  /** What Apache itself loads from that tree (its runtime folders moved into the lab). */
  async function apacheModules(tree: string): Promise<string> {
    const run = join(tree, '..', 'run');
    await mkdir(run, { recursive: true });
    const r = await execa(
      'sh',
      [
        '-c',
        `. ./envvars; export APACHE_RUN_DIR="$1" APACHE_LOCK_DIR="$1" APACHE_LOG_DIR="$1" APACHE_PID_FILE="$1/pid"; apache2 -d "$2" -f "$2/apache2.conf" -t -D DUMP_MODULES`,
        'sh',
        run,
        tree,
      ],
      { cwd: tree, env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin' }, extendEnv: false, reject: false },
    );
    expect(r.exitCode, r.stderr).toBe(0);
    return r.stdout;
  }

  it('stock Debian Apache with mod_remoteip enabled: the module is found in mods-enabled/, the settings in conf-enabled/', async () => {
    const tree = await debianApache('apache-on', 'enabled');
    expect(await apacheModules(tree)).toMatch(/^\s*remoteip_module \(shared\)$/m);
    const obs = await probe({ server: 'apache', path: join(tree, 'apache2.conf'), proxy: '100.125.0.0/16' });
    expect(obs.outcome, obs.summary).toBe('pass');
    expect(obs.data.config).toMatchObject({
      header: 'X-Forwarded-For',
      moduleLoaded: true,
      trusted: ['100.125.0.0/16'],
    });
    expect(obs.data.config!.sources).toEqual([
      `${tree}/mods-enabled/remoteip.load:1`,
      `${tree}/conf-enabled/remoteip.conf:3`,
      `${tree}/conf-enabled/remoteip.conf:4`,
    ]);
    expect(obs.data.files).toEqual(
      expect.arrayContaining([
        join(tree, 'apache2.conf'),
        join(tree, 'ports.conf'),
        join(tree, 'mods-enabled/remoteip.load'),
        join(tree, 'conf-enabled/remoteip.conf'),
      ]),
    );
    // Only what is enabled is read: the other modules' .load files stay unread.
    expect(obs.data.files).not.toContain(join(tree, 'mods-available/remoteip.load'));
    expect(obs.data.notRead).toEqual([]);
    // The same tree judged against another range: the settings are read, the range is not trusted.
    const other = await probe({
      server: 'apache',
      path: join(tree, 'apache2.conf'),
      proxy: '192.168.10.0/24',
    });
    expect(other.outcome).toBe('fail');
    expect(other.summary).toContain('does not trust 192.168.10.0/24');
  });

  it('stock Debian Apache with the settings but mod_remoteip not enabled: not loaded, as Apache says', async () => {
    const tree = await debianApache('apache-off', 'not-enabled');
    expect(await apacheModules(tree)).not.toContain('remoteip_module');
    const obs = await probe({ server: 'apache', path: join(tree, 'apache2.conf'), proxy: '100.125.0.0/16' });
    expect(obs.outcome, obs.summary).toBe('fail');
    expect(obs.summary).toMatch(
      /mod_remoteip is not loaded in .*apache2\.conf and the \d+ file\(s\) it includes/,
    );
    expect(obs.data.config).toMatchObject({ header: 'X-Forwarded-For', moduleLoaded: false });
  });

  it('nginx with its real-IP settings in conf.d/: the same files nginx -T names', async () => {
    const root = join(be1.lab().dir, 'nginx-tree');
    const tree = join(root, 'nginx');
    await mkdir(join(tree, 'conf.d'), { recursive: true });
    await writeFile(
      join(tree, 'nginx.conf'),
      `pid ${root}/nginx.pid;\nerror_log stderr;\nevents {}\nhttp {\n  access_log off;\n  include conf.d/*.conf;\n  server { listen 127.0.0.1:1; }\n}\n`,
    );
    await writeFile(
      join(tree, 'conf.d/real-ip.conf'),
      'set_real_ip_from 100.125.0.0/16;\nreal_ip_header X-Forwarded-For;\n',
    );
    const nginxT = await execa('nginx', ['-T', '-p', `${root}/`, '-c', join(tree, 'nginx.conf')]);
    const named = [...nginxT.stdout.matchAll(/^# configuration file (.+):$/gm)].map((m) => m[1]);
    const obs = await probe({ server: 'nginx', path: join(tree, 'nginx.conf'), proxy: '100.125.0.0/16' });
    expect(obs.outcome, obs.summary).toBe('pass');
    expect(obs.data.files).toEqual(named);
    expect(obs.data.config!.sources).toEqual([
      `${tree}/conf.d/real-ip.conf:1`,
      `${tree}/conf.d/real-ip.conf:2`,
    ]);
  });
});
