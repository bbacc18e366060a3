#!/usr/bin/env bash
# The operators' `dead-letters` command (tools/dead-letters) run once in the cluster, as a
# pod that meets the namespace's "restricted" Pod Security Standard and takes RABBITMQ_URL
# (and RABBITMQ_METRICS_URL, when set) from the campaigns-secrets Secret:
#   deploy/k8s/dead-letters.sh list
#   deploy/k8s/dead-letters.sh show scheduler.deliveries --limit 5
#   deploy/k8s/dead-letters.sh replay scheduler.deliveries --all --dry-run
# IMAGE (broadcast-campaigns/dead-letters:latest, built with --build-arg SERVICE=dead-letters)
# and NAMESPACE (broadcast-campaigns) may be set; DRY_RUN=1 prints the pod instead.
set -euo pipefail
image=${IMAGE:-broadcast-campaigns/dead-letters:latest}
namespace=${NAMESPACE:-broadcast-campaigns}
args=$(python3 -c 'import json, sys; print(json.dumps(sys.argv[1:]))' "$@")
overrides=$(cat <<EOF
{"apiVersion": "v1", "spec": {
  "securityContext": {"runAsNonRoot": true, "runAsUser": 10001, "runAsGroup": 10001,
                      "seccompProfile": {"type": "RuntimeDefault"}},
  "containers": [{
    "name": "dead-letters", "image": "$image", "command": ["dead-letters"], "args": $args,
    "envFrom": [{"secretRef": {"name": "campaigns-secrets"}}],
    "resources": {"requests": {"cpu": "50m", "memory": "96Mi"}, "limits": {"memory": "256Mi"}},
    "securityContext": {"allowPrivilegeEscalation": false, "readOnlyRootFilesystem": true,
                        "capabilities": {"drop": ["ALL"]}}}]}}
EOF
)
run=(kubectl -n "$namespace" run "dead-letters-$(date +%s)" --image="$image" --restart=Never
     --overrides="$overrides")
if [ "${DRY_RUN:-}" = 1 ]; then  # (needs a cluster to answer, as kubectl run does)
  exec "${run[@]}" --dry-run=client -o yaml
fi
exec "${run[@]}" --rm -i --quiet
