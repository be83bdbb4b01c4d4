// hangPlain() must print what hang() prints for plain text (it exists only to
// spare `lbdoctor list` loading string-width and wrap-ansi), and must decline
// text it cannot measure by counting characters.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hangPlain } from '../../../src/reporters/wrap-plain.js';
import { hang } from '../../../src/reporters/wrap.js';

const letter = fc.constantFrom(...'abcxyzABC019.,:;()/-_`"\'é—…’→§×'.split(''));
const word = (max: number) => fc.array(letter, { minLength: 1, maxLength: max }).map((cs) => cs.join(''));

describe('hangPlain', () => {
  it('prints what hang() prints, for plain text of any length at any width', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('', '    ', '      - ', '  hint: '),
        fc.integer({ min: 20, max: 120 }),
        fc.array(word(30), { maxLength: 40 }),
        (prefix, width, words) => {
          const text = words.join(' ');
          const plain = hangPlain(prefix, text, width);
          // A word wider than the room is hang()'s to break.
          if (plain === undefined) {
            expect(words.some((w) => w.length > Math.max(24, width - prefix.length))).toBe(true);
            return;
          }
          expect(plain).toEqual(hang(prefix, text, width));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('the bundled playbooks’ text is plain: `lbdoctor list` never needs the full wrapper', async () => {
    const { BUNDLED_PLAYBOOKS, listPlaybooks } = await import('../../../src/playbook/catalog.js');
    const { playbooks } = await listPlaybooks([BUNDLED_PLAYBOOKS], { catalogs: new Map() });
    for (const p of playbooks) {
      expect(hangPlain('    ', p.title, 80), p.title).toEqual(hang('    ', p.title, 80));
      for (const s of p.symptoms) expect(hangPlain('      - ', s, 80), s).toEqual(hang('      - ', s, 80));
    }
  });

  it.each([
    ['wide characters', '負荷分散 が 不安定'],
    ['colour codes', '\u001b[31mred\u001b[39m text'],
    ['a zero-width space', 'a\u200bb'],
    ['a soft hyphen', 'load\u00adbalancer'],
    ['two spaces', 'a  b'],
    ['a line break', 'a\nb'],
    ['a tab', 'a\tb'],
  ])('declines %s', (_what, text) => {
    expect(hangPlain('    ', text, 80)).toBeUndefined();
  });
});
