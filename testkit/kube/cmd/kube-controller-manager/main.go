// kube-controller-manager v1.35 as upstream builds it. The test control plane needs it for
// ResourceQuota status (quota admission), ReplicaSets creating pods, default service accounts
// and namespace deletion.
package main

import (
	"os"

	"k8s.io/component-base/cli"
	"k8s.io/kubernetes/cmd/kube-controller-manager/app"
)

func main() {
	os.Exit(cli.Run(app.NewControllerManagerCommand()))
}
