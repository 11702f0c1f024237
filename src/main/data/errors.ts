// The one error type of the dataset layer. Every message names the file (or folder) and the problem,
// so the CLI and the wizard can show it to the user verbatim.

/** A dataset file or folder is missing, unreadable or malformed, or a split setting is impossible. */
export class DatasetError extends Error {
  /** The file or folder the problem is about (absolute where we know it), if any. */
  readonly file: string | undefined;
  /** The problem alone, without the file prefix. */
  readonly problem: string;

  constructor(file: string | undefined, problem: string) {
    super(file ? `${file}: ${problem}` : problem);
    this.name = 'DatasetError';
    this.file = file;
    this.problem = problem;
  }
}
