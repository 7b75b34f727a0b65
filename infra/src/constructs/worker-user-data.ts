import { METRIC_DIMENSION, METRICS_NAMESPACE, WORKER_ENV, type WorkerEnvironment } from '@cis/processor';
import * as ec2 from 'aws-cdk-lib/aws-ec2';

/** Where things live on a worker instance. */
export const INSTANCE_PATHS = {
  bundleDir: '/opt/cis/worker',
  envFile: '/etc/cis-worker.env',
  logFile: '/var/log/cis-worker/worker.log',
  cacheDir: '/var/cache/cis-worker',
  agentConfig: '/opt/aws/amazon-cloudwatch-agent/etc/cis-worker.json',
  lifecycleScript: '/usr/local/bin/cis-lifecycle-watch',
  failureScript: '/usr/local/bin/cis-worker-failed',
  /** Amazon Linux 2023 namespaces Node.js majors: nodejs20 installs /usr/bin/node-20. */
  node: '/usr/bin/node-20',
} as const;

export const WORKER_SERVICE = 'cis-worker';
/** Runs when the worker service fails for good (systemd OnFailure=). */
export const WORKER_FAILED_SERVICE = 'cis-worker-failed';
/**
 * Published (value 1, dimension AutoScalingGroupName) by an instance whose worker stopped for
 * good while the instance was in service; the fleet's worker-not-running alarm watches it.
 */
export const WORKER_FAILED_METRIC = 'WorkerFailed';
/** Crashes (restarts) within the interval after which systemd gives up and the worker counts as failed. */
export const WORKER_START_LIMIT = { burst: 5, intervalSeconds: 600 } as const;
const SERVICE_USER = 'cis-worker';

export interface WorkerUserDataProps {
  region: string;
  /** The worker bundle zip (an S3 asset). */
  bundle: { bucket: string; key: string };
  /** The worker's environment: KEY → value (values may be CloudFormation tokens). */
  environment: WorkerEnvironment;
  /** CloudWatch agent configuration (JSON-serialisable; `${aws:…}` placeholders are the agent's). */
  agentConfig: object;
  lifecycle: { groupName: string; hookName: string };
  /** systemd's stop timeout: the worker's drain deadline plus a margin. */
  stopTimeoutSeconds: number;
}

/**
 * Boot script of a worker instance (Amazon Linux 2023): installs Node.js 20 and the CloudWatch
 * agent, downloads and unpacks the bundle, and runs `node cis.js worker` as a systemd service
 * that restarts on failure (not on exit code 2, a configuration error a restart cannot fix).
 * A second service watches the instance's target lifecycle state: when the group moves the
 * instance to Terminating:Wait it stops the worker (SIGTERM: drain) and completes the lifecycle
 * action. If the script itself fails, the instance reports itself unhealthy and is replaced.
 *
 * An instance whose worker is not running must not stay in service: when the worker service
 * fails for good (exit code 2, a configuration or dependency error the start-up check names, or
 * WORKER_START_LIMIT crashes in a row), a oneshot unit publishes WORKER_FAILED_METRIC and marks
 * the instance unhealthy, so the group replaces it (a passing fault heals) and the alarm says so
 * (a setting to fix keeps it in alarm). A worker stopped by a termination is not a failure.
 */
export function workerUserData(props: WorkerUserDataProps): ec2.UserData {
  const p = INSTANCE_PATHS;
  const ud = ec2.UserData.forLinux();
  const imds = [
    'imds() { local t; t=$(curl -sf -X PUT -H "X-aws-ec2-metadata-token-ttl-seconds: 60" http://169.254.169.254/latest/api/token)',
    '  curl -sf -H "X-aws-ec2-metadata-token: $t" "http://169.254.169.254/latest/meta-data/$1"; }',
  ];
  const envLines = Object.entries(props.environment).map(([k, v]) => `${k}=${v}`);

  ud.addCommands(
    'set -euxo pipefail',
    ...imds,
    `trap 'aws autoscaling set-instance-health --region ${props.region} --instance-id "$(imds instance-id)" --health-status Unhealthy --no-should-respect-grace-period' ERR`,
    // util-linux: prlimit and setpriv, with which the worker starts its extraction processes.
    'dnf install -y nodejs20 amazon-cloudwatch-agent unzip logrotate util-linux',
    `useradd --system --no-create-home --shell /sbin/nologin ${SERVICE_USER}`,
    `install -d -o ${SERVICE_USER} -g ${SERVICE_USER} -m 0750 ${dirOf(p.logFile)} ${p.cacheDir}`,

    `aws s3 cp --region ${props.region} --no-progress "s3://${props.bundle.bucket}/${props.bundle.key}" /tmp/worker-bundle.zip`,
    `mkdir -p ${p.bundleDir} && unzip -q -o /tmp/worker-bundle.zip -d ${p.bundleDir} && rm /tmp/worker-bundle.zip`,

    `cat > ${p.envFile} <<'EOF'`,
    ...envLines,
    'EOF',

    `cat > ${p.agentConfig} <<'EOF'`,
    JSON.stringify(props.agentConfig),
    'EOF',
    `/opt/aws/amazon-cloudwatch-agent/bin/amazon-cloudwatch-agent-ctl -a fetch-config -m ec2 -s -c file:${p.agentConfig}`,

    `cat > /etc/logrotate.d/${WORKER_SERVICE} <<'EOF'`,
    `${p.logFile} {`,
    '  daily',
    '  maxsize 200M',
    '  rotate 3',
    '  compress',
    '  missingok',
    '  notifempty',
    // The service holds the file open in append mode: truncating in place keeps its writes landing.
    '  copytruncate',
    '}',
    'EOF',

    `cat > /etc/systemd/system/${WORKER_SERVICE}.service <<'EOF'`,
    '[Unit]',
    'Description=CIS File Search ingest worker',
    'Wants=network-online.target',
    'After=network-online.target amazon-cloudwatch-agent.service',
    `OnFailure=${WORKER_FAILED_SERVICE}.service`,
    `StartLimitIntervalSec=${WORKER_START_LIMIT.intervalSeconds}`,
    `StartLimitBurst=${WORKER_START_LIMIT.burst}`,
    '[Service]',
    `User=${SERVICE_USER}`,
    `WorkingDirectory=${p.cacheDir}`,
    `EnvironmentFile=${p.envFile}`,
    // /tmp is a RAM disk on Amazon Linux 2023: downloads go to the root volume.
    `Environment=${WORKER_ENV.tempDir}=${p.cacheDir}`,
    `ExecStart=${p.node} --enable-source-maps ${p.bundleDir}/cis.js worker`,
    'Restart=on-failure',
    'RestartSec=5',
    'RestartPreventExitStatus=2',
    'KillSignal=SIGTERM',
    `TimeoutStopSec=${props.stopTimeoutSeconds}`,
    `StandardOutput=append:${p.logFile}`,
    `StandardError=append:${p.logFile}`,
    'LimitNOFILE=65536',
    // Behind the worker's own budgets (CIS_EXTRACT_MEMORY_MB per file, CIS_EXTRACT_TOTAL_MEMORY_MB
    // for all files, the OCR threads), a cap on the whole service leaves the OS and its agents
    // room. When it is reached, the kernel kills an extraction process first (the worker sets
    // their oom_score_adj to 1000), whose file then fails with its reason; the service goes on.
    'MemoryMax=90%',
    'OOMPolicy=continue',
    '[Install]',
    'WantedBy=multi-user.target',
    'EOF',

    `cat > ${p.lifecycleScript} <<'EOF'`,
    '#!/bin/bash',
    ...imds,
    'until [ "$(imds autoscaling/target-lifecycle-state)" = Terminated ]; do sleep 5; done',
    `systemctl stop ${WORKER_SERVICE}`,
    `aws autoscaling complete-lifecycle-action --region ${props.region} --auto-scaling-group-name ${props.lifecycle.groupName} ` +
      `--lifecycle-hook-name ${props.lifecycle.hookName} --instance-id "$(imds instance-id)" --lifecycle-action-result CONTINUE`,
    'EOF',
    `chmod 0755 ${p.lifecycleScript}`,

    `cat > ${p.failureScript} <<'EOF'`,
    '#!/bin/bash',
    ...imds,
    // Stopped for a termination (drain timeout, Spot): the instance is leaving anyway.
    '[ "$(imds autoscaling/target-lifecycle-state)" = InService ] || exit 0',
    `aws cloudwatch put-metric-data --region ${props.region} --namespace ${METRICS_NAMESPACE} --metric-name ${WORKER_FAILED_METRIC} ` +
      `--dimensions ${METRIC_DIMENSION.autoScalingGroupName}=${props.lifecycle.groupName} --value 1 --unit Count || true`,
    `aws autoscaling set-instance-health --region ${props.region} --instance-id "$(imds instance-id)" --health-status Unhealthy --no-should-respect-grace-period`,
    'EOF',
    `chmod 0755 ${p.failureScript}`,
    `cat > /etc/systemd/system/${WORKER_FAILED_SERVICE}.service <<'EOF'`,
    '[Unit]',
    'Description=Report a failed CIS worker and have the Auto Scaling group replace this instance',
    '[Service]',
    'Type=oneshot',
    `ExecStart=${p.failureScript}`,
    'EOF',
    "cat > /etc/systemd/system/cis-lifecycle.service <<'EOF'",
    '[Unit]',
    'Description=Drain the CIS worker when the Auto Scaling group terminates this instance',
    '[Service]',
    `ExecStart=${p.lifecycleScript}`,
    'Restart=on-failure',
    'RestartSec=5',
    '[Install]',
    'WantedBy=multi-user.target',
    'EOF',

    'systemctl daemon-reload',
    `systemctl enable --now ${WORKER_SERVICE}.service cis-lifecycle.service`,
  );
  return ud;
}

function dirOf(path: string): string {
  return path.slice(0, path.lastIndexOf('/'));
}
