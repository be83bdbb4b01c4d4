// `lbdoctor list WORDS`: the playbook that fits what the on-call person sees
// comes first, on the bundled playbooks as they ship.
import { describe, expect, it } from 'vitest';
import { BUNDLED_PLAYBOOKS, listPlaybooks, type PlaybookSummary } from '../../../src/playbook/catalog.js';
import { playbookWordsNear, searchPlaybooks } from '../../../src/playbook/search.js';

const { playbooks } = await listPlaybooks([BUNDLED_PLAYBOOKS], { catalogs: new Map() });
const ids = (query: string) => searchPlaybooks(query.split(' '), playbooks).map((p) => p.id);

describe('searchPlaybooks on the bundled playbooks', () => {
  it.each([
    ['502', 'gateway-errors'],
    ['504 gateway timeout', 'gateway-errors'],
    ['499', 'client-499'],
    ['413', 'abnormal-status'],
    ['x-router-code 50000', 'router-code'],
    ['unhealthy', 'unhealthy-backend'],
    ['somaxconn', 'stress-test'],
    ['time_wait', 'stress-test'],
    ['certificate expired', 'tls-handshake'],
    ['x-forwarded-for', 'client-ip'],
    ['cookie', 'sticky-session'],
    ['users are logged out', 'sticky-session'],
    ['icmp', 'udp-health-check'],
    ['uneven', 'uneven-distribution'],
    ['why is it slow', 'slow-response'],
  ])('%s → %s first', (query, first) => {
    expect(ids(query)[0]).toBe(first);
  });

  it('a FAQ section finds the playbooks citing it', () => {
    expect(ids('1.6')).toEqual(['router-code']);
    expect(ids('3.8')).toEqual(['client-499']);
    expect(ids('6.1')).toEqual(['sticky-session']);
  });

  it('keeps only the playbooks matching the most words', () => {
    // "502" alone matches two playbooks; with nginx's keepalive_timeout, only the one reading it.
    expect(ids('502')).toEqual(['gateway-errors', 'abnormal-status']);
    expect(ids('502 keepalive_timeout')).toEqual(['gateway-errors']);
  });

  it('a word written with a slash in a symptom is found by either half ("4xx/5xx")', () => {
    const fake: PlaybookSummary = {
      id: 'codes',
      title: 'Codes',
      faq: ['9.9'],
      symptoms: ['clients get 4xx/5xx answers'],
      description: '',
      conclusions: [],
      file: 'codes.yaml',
    };
    expect(searchPlaybooks(['5xx'], [fake]).map((p) => p.id)).toEqual(['codes']);
  });

  it('nothing for words no playbook holds, with a close word offered for a typo', () => {
    expect(ids('zzzz')).toEqual([]);
    expect(ids('the why')).toEqual([]);
    expect(playbookWordsNear(['helth'], playbooks)).toEqual(['health']);
  });
});
