// node validate.mjs FILE...: every YAML document in the files (e.g. `kubectl kustomize` output) is checked
// against the JSON schema of its apiVersion/kind from the kubernetes-models packages (generated from the
// Kubernetes OpenAPI and the Prometheus Operator CRDs): types, required fields, enums, formats. A kind
// without a schema here is an error, not a pass. Prints one line per document; exits 1 on any failure.
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";

const MODELS = {
  "v1/Service": "kubernetes-models/v1/Service",
  "v1/ConfigMap": "kubernetes-models/v1/ConfigMap",
  "apps/v1/Deployment": "kubernetes-models/apps/v1/Deployment",
  "autoscaling/v2/HorizontalPodAutoscaler": "kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler",
  "policy/v1/PodDisruptionBudget": "kubernetes-models/policy/v1/PodDisruptionBudget",
  "monitoring.coreos.com/v1/ServiceMonitor":
    "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor",
};

let failures = 0;
for (const file of process.argv.slice(2)) {
  for (const doc of parseAllDocuments(readFileSync(file, "utf8"))) {
    if (doc.errors.length > 0) {
      console.log(`INVALID ${file}: YAML: ${doc.errors[0].message}`);
      failures++;
      continue;
    }
    const obj = doc.toJS();
    if (obj == null) {
      continue;
    }
    const key = `${obj.apiVersion}/${obj.kind}`;
    const name = `${key} ${obj.metadata?.name}`;
    const module = MODELS[key];
    if (!module) {
      console.log(`INVALID ${name}: no schema for this apiVersion/kind here`);
      failures++;
      continue;
    }
    const Model = Object.values(await import(module)).find((v) => typeof v === "function");
    try {
      new Model(obj).validate();
      console.log(`VALID ${name}`);
    } catch (e) {
      console.log(`INVALID ${name}: ${e.message}`);
      failures++;
    }
  }
}
process.exit(failures === 0 ? 0 : 1);
