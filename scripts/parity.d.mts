/** Types of scripts/parity.mjs, for the test that runs it (test/parity.test.ts). */
export interface DocParameter {
  path: string;
  required: boolean;
}
export interface DocError {
  code: string;
  description: string;
}
export interface DocPage {
  method: string;
  params: DocParameter[];
  errors: DocError[];
}
export interface TestFile {
  file: string;
  setup: string;
  text: string;
  tests: { file: string; prefixes?: string[]; title: string; text: string; comments?: string }[];
}
export const DOCS_ROOT: string;
export const PAGES_FIXTURE: string;
export function readDocPages(root: string): Record<string, DocPage>;
export function readTests(dir: string): TestFile[];
export function parityReport(input: {
  pages: Record<string, DocPage>;
  examples: Record<string, { tab: string | null; command: string }[]>;
  document: Record<string, unknown>;
  tests: TestFile[];
}): string;
