// bench/RESULTS.md: one file, one level-2 section per benchmark. A rerun replaces only its own
// section (up to the next level-2 heading; a section's subsections are level 3).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

const INTRO = `# Benchmarks

Measured on the local stack, not in CI; \`npm test\` does not run them. Each section says how to
rerun it; a rerun replaces only its own section.
`;

/** `section` must start with `heading`; it replaces the section under that heading, or is appended. */
export function writeSection(file, heading, section) {
  const current = existsSync(file) ? readFileSync(file, 'utf8') : INTRO;
  const start = current.indexOf(heading);
  let next;
  if (start === -1) {
    next = `${current.replace(/\n*$/, '\n\n')}${section}`;
  } else {
    const after = current.slice(start + heading.length);
    const m = /\n## /.exec(after);
    const end = m ? start + heading.length + m.index + 1 : current.length;
    next = `${current.slice(0, start)}${section}${m ? '\n' : ''}${current.slice(end)}`;
  }
  writeFileSync(file, next);
}
