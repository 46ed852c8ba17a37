// kube-apiserver v1.35 as upstream builds it: the upstream command, run by component-base's CLI
// runner (flags, logging, exit codes).
package main

import (
	"os"

	"k8s.io/component-base/cli"
	"k8s.io/kubernetes/cmd/kube-apiserver/app"
)

func main() {
	os.Exit(cli.Run(app.NewAPIServerCommand()))
}
