// Which configuration files and folders a host read may touch (DESIGN.md
// "Read-only, always"). The allow-list (src/runners/commands.ts) enforces it;
// probes that follow a web server's Include/include directives ask it first,
// so a file outside it is reported as not read instead of failing the read.

// Absolute, normalised paths of plain characters: no "..", no "//", no spaces or shell metacharacters.
const SAFE_PATH = /^(\/[A-Za-z0-9_@%+=,:~.-]+)+$/;

export function safePath(p: string): boolean {
  return SAFE_PATH.test(p) && !p.split('/').some((part) => part === '.' || part === '..') && p.length <= 4096;
}

/** Configuration files a real-IP or access check may read (FAQ 2.1/2.2 hosts.deny, FAQ 3.9 web servers). */
const CONFIG_FILE_PATTERNS: readonly RegExp[] = [
  /^\/etc\/hosts\.(allow|deny)$/,
  /^\/etc\/(nginx|httpd|apache2|tomcat\d*)\/.+$/,
  /^\/usr\/local\/(nginx|apache2?|httpd)\/conf\/.+$/,
  /\/nginx\.conf$/,
  /\/httpd\.conf$/,
  /\/apache2\.conf$/,
  /\/conf\.d\/[^/]+\.conf$/,
  /\/conf\/server\.xml$/,
  // What a web server's tree includes, wherever the tree is: ports.conf,
  // mods-enabled/*.load, conf-enabled/*.conf, sites-enabled/*.conf, conf.modules.d/*.conf, mime.types.
  /\/(nginx|httpd|apache2)\/([A-Za-z0-9_.-]+\/)?[^/]+\.(conf|load|types)$/,
];

export function allowedConfigFile(p: string): boolean {
  return safePath(p) && CONFIG_FILE_PATTERNS.some((re) => re.test(p));
}

/** A folder whose configuration files may be read (and listed, to expand an include's wildcard). */
export function allowedConfigDir(p: string): boolean {
  return safePath(p) && allowedConfigFile(`${p}/x.conf`);
}

/** A file-name wildcard as Apache and nginx take them (fnmatch: * ? [a-z]); one path component. */
export function allowedNamePattern(p: string): boolean {
  return /^[A-Za-z0-9_.*?[\]!-]{1,128}$/.test(p) && !p.startsWith('-');
}

/** How much of one included file is read: configuration files are small; a huge one is cut, not slurped. */
export const CONFIG_PART_BYTES = 262_144;
