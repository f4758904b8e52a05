// Preloaded into a Gantry process started by test/e2e/deployments.spec.ts (NODE_OPTIONS=--require):
// subscribes two test listeners to the process's DeploymentSignals, as release plans subscribe in
// production. `failing` always throws (the signal must still succeed); `echo` reports one effect per
// flag with what it was given, so the test reads from the HTTP answer what the listeners received.
'use strict';
require('reflect-metadata');
require('./ts-register-cached.js');
const path = require('node:path');

const { DeploymentSignals } = require(
  path.join(__dirname, '..', '..', 'src', 'modules', 'deployments', 'deployment-signals.ts'),
);

const subscribed = new WeakSet();
const publish = DeploymentSignals.prototype.publish;

DeploymentSignals.prototype.publish = function (deployment) {
  if (!subscribed.has(this)) {
    subscribed.add(this);
    this.subscribe('test-failing', async () => {
      throw new Error('test listener failing on purpose');
    });
    this.subscribe('test-echo', async (d) =>
      d.flagKeys.map((flagKey) => ({
        flagKey,
        kind: 'test.seen',
        detail: {
          deploymentId: d.id,
          projectKey: d.projectKey,
          environmentKey: d.environmentKey,
          service: d.service,
          version: d.version,
          actorKind: d.actor.kind,
        },
      })),
    );
  }
  return publish.call(this, deployment);
};
