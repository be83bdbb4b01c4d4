import type { RegisterCommand } from '../types.js';

export const registerExplain: RegisterCommand = (explain, setExitCode) => {
  explain
    .option('--format <format>', 'text or json', 'text')
    .addHelpText(
      'after',
      [
        '',
        'Without words: every topic. With words: the best match in full, then others.',
        'Examples:',
        '  lbdoctor explain 100.125',
        '  lbdoctor explain websocket timeout',
        '  lbdoctor explain 8.4          (a FAQ section)',
      ].join('\n'),
    )
    .action(async (query: string[], opts: { format: string }) => {
      const { UsageError } = await import('../../errors.js');
      if (opts.format !== 'text' && opts.format !== 'json') {
        throw new UsageError(
          `unknown format "${opts.format}" for explain`,
          'use --format text or --format json',
          'LBD_ERR_UNKNOWN_FORMAT',
        );
      }
      const [{ TOPICS }, { searchTopics, didYouMean }, render] = await Promise.all([
        import('../../explain/topics.js'),
        import('../../explain/search.js'),
        import('../../explain/render.js'),
      ]);
      if (query.length === 0) {
        process.stdout.write(opts.format === 'json' ? render.topicsJson(TOPICS) : render.topicList(TOPICS));
        setExitCode(0);
        return;
      }
      const matches = searchTopics(query);
      if (matches.length === 0) {
        const near = didYouMean(query);
        throw new UsageError(
          `no explain topic matches "${query.join(' ')}"`,
          `${near.length ? `did you mean "${near.join(' ')}"? ` : ''}\`lbdoctor explain\` lists every topic`,
        );
      }
      process.stdout.write(
        opts.format === 'json'
          ? render.topicsJson(matches.map((m) => m.topic))
          : render.topicAnswer(
              matches[0]!.topic,
              matches.slice(1, 5).map((m) => m.topic),
            ),
      );
      setExitCode(0);
    });
};
