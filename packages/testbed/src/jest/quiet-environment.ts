import type { EnvironmentContext, JestEnvironmentConfig } from '@jest/environment';
import type { Circus } from '@jest/types';
import { TestEnvironment } from 'jest-environment-node';
import { Console } from 'node:console';
import { Writable } from 'node:stream';

/**
 * A quiet test run: code under test logs and prints metrics as it would in production (pino JSON
 * lines, EMF records on the console, library warnings), and none of it reaches the screen unless
 * a test fails. What a test writes to its console, process.stdout or process.stderr is kept and
 * printed under the failing test's name; the processor's and testbed's JSON logs are off
 * (CIS_LOG_LEVEL=silent). `CIS_TEST_LOGS=1` shows everything as it happens.
 */
export default class QuietEnvironment extends TestEnvironment {
  private readonly verbose = process.env.CIS_TEST_LOGS === '1';
  private buffer: string[] = [];
  private readonly testPath: string;

  constructor(config: JestEnvironmentConfig, context: EnvironmentContext) {
    super(config, context);
    this.testPath = context.testPath;
    const env = this.global.process.env;
    if (!this.verbose) env.CIS_LOG_LEVEL = 'silent';
    // The AWS SDK's notice that its 2027 releases need Node 22 (the runtime here is Node 20).
    env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
    // EMF records go to the console instead of a CloudWatch agent that is not there.
    env.AWS_EMF_ENVIRONMENT ??= 'Local';
  }

  override async setup(): Promise<void> {
    await super.setup();
    if (this.verbose) return;
    // One stream per name: a test may spy on stdout and stderr separately.
    const sink = () =>
      new Writable({
        write: (chunk: Buffer, _enc, done) => {
          this.buffer.push(chunk.toString('utf8'));
          done();
        },
      });
    const streams = { stdout: sink(), stderr: sink() };
    this.global.console = new Console(streams);
    // Libraries that write to the streams directly (CDK's "Bundling asset …", a CLI's usage text).
    // Only the test's view changes: child processes and file descriptors keep the real ones.
    for (const [name, stream] of Object.entries(streams)) {
      Object.defineProperty(this.global.process, name, { value: stream, configurable: true, writable: true });
    }
  }

  handleTestEvent(event: Circus.Event): void {
    if (this.verbose) return;
    if (event.name === 'test_start') this.buffer = [];
    const failed =
      (event.name === 'test_done' && event.test.errors.length > 0) || event.name === 'hook_failure';
    if (failed && this.buffer.length > 0) {
      const name = event.name === 'test_done' ? event.test.name : `${event.hook.type} hook`;
      process.stderr.write(`\n── console output of the failing "${name}" (${this.testPath}) ──\n${this.buffer.join('')}\n`);
      this.buffer = [];
    }
  }
}
