import { ToolInputError } from '../../shared/tool-result.js';
import type { CommitDetail, GitBackend, GitCommit, GitDeployment, Listing } from '../backend.js';

/**
 * No history configured while other servers read live systems: the listings are empty with the reason as their note,
 * never an error, so a report does not count git as a source that failed. "now" is the wall clock.
 */
export class NoneBackend implements GitBackend {
  readonly label: string;
  /** Any service filter is accepted: there is no list of known ones to check it against. */
  readonly unconfigured = true;

  constructor(private readonly reason: string) {
    this.label = reason;
  }

  async now(): Promise<Date> {
    return new Date();
  }

  async services(): Promise<string[]> {
    return [];
  }

  async commits(): Promise<Listing<GitCommit>> {
    return { items: [], note: this.reason };
  }

  async deployments(): Promise<Listing<GitDeployment>> {
    return { items: [], note: this.reason };
  }

  async getCommit(sha: string): Promise<CommitDetail> {
    throw new ToolInputError(`no commit ${sha}: ${this.reason}`, 'the git server reads no history here');
  }
}
