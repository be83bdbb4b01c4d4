// `lbdoctor cert check FILE.pem [--key KEY]`: a certificate (and its key)
// checked before it is uploaded to a listener (FAQ 7.4), with the names the
// listener serves (--name, or the inventory) checked against it (FAQ 5.8, 7.1).
import { collect } from '../collect.js';
import { Option } from '../commander.js';
import type { RegisterCommand } from '../types.js';

interface CertCheckOptions {
  key?: string;
  name?: string[];
  inventory?: string;
  ca?: string;
  format: 'text' | 'json';
}

export const registerCert: RegisterCommand = (cert, setExitCode) => {
  cert
    .command('check')
    .argument('<file>', 'the certificate PEM (server certificate first, then its chain)')
    .description(
      'check a certificate PEM before uploading it (FAQ 7.4): chain complete and in order, no stray spaces, dates, the key matches, the listener names are covered',
    )
    .option('-k, --key <file>', 'the private key to compare with the certificate (never printed)')
    .option(
      '-n, --name <host>',
      'a host name clients use, to check against the certificate (repeatable)',
      collect,
    )
    .option(
      '-i, --inventory <file>',
      'check the names of the HTTPS listeners that bind this file (or of all)',
    )
    .option('--ca <file>', 'a private root CA (PEM) the chain may end in')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .addHelpText(
      'after',
      `
Examples:
  lbdoctor cert check fullchain.pem --key server.key
  lbdoctor cert check fullchain.pem \\
    --name www.example.com --name api.example.com
  lbdoctor cert check fullchain.pem --inventory inventory.yaml --format json

Exit codes: 0 ready to upload (warnings allowed), 1 a problem found,
2 a file that cannot be read or is not PEM.`,
    )
    .action(async (file: string, opts: CertCheckOptions) => {
      const [{ readFile }, { InputError }, { checkPem }, { renderCertCheck }] = await Promise.all([
        import('node:fs/promises'),
        import('../../errors.js'),
        import('../../certs/pem-check.js'),
        import('../../certs/render.js'),
      ]);
      const read = async (path: string, what: string): Promise<string> => {
        try {
          return await readFile(path, 'utf8');
        } catch (err) {
          throw new InputError(`cannot read the ${what} ${path}`, [
            { file: path, message: (err as NodeJS.ErrnoException).code ?? (err as Error).message },
          ]);
        }
      };
      const names = [...(opts.name ?? [])];
      if (opts.inventory) {
        const [{ loadInventory }, { namesForCertificate }] = await Promise.all([
          import('../../model/load-inventory.js'),
          import('../../certs/listener-names.js'),
        ]);
        names.push(...namesForCertificate(await loadInventory(opts.inventory), file).names);
      }
      const result = checkPem({
        file,
        text: await read(file, 'certificate'),
        ...(opts.key ? { key: { file: opts.key, text: await read(opts.key, 'key') } } : {}),
        ...(opts.ca ? { ca: await read(opts.ca, 'CA file') } : {}),
        names,
      });
      process.stdout.write(
        opts.format === 'json' ? `${JSON.stringify(result, null, 2)}\n` : `${renderCertCheck(result)}\n`,
      );
      setExitCode(result.findings.some((f) => f.severity === 'error') ? 1 : 0);
    });
};
