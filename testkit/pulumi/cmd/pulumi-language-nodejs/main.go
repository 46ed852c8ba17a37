// pulumi-language-nodejs: the Node.js language host the suite's Pulumi engine starts (see
// package languagehost). Invoked by the engine as `pulumi-language-nodejs [flags] <engine address>`;
// it prints the port of its gRPC server on the first line of stdout, as every plugin does.
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"

	"google.golang.org/grpc"

	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	"github.com/pulumi/pulumi/sdk/v3/go/common/version"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"

	"paved.dev/testkit/pulumi/languagehost"
)

func main() {
	// The engine passes its logging settings (-v, --logtostderr: glog's flags, registered by the
	// SDK's logging package) and a tracing endpoint when it flows them to plugins; a Node.js
	// program logs through the engine, so they are accepted and not used.
	flag.String("tracing", "", "tracing endpoint (accepted for the engine; unused)")
	flag.String("root", "", "project root (accepted for the engine; unused)")
	flag.Parse()

	node, err := exec.LookPath("node")
	if err != nil {
		fmt.Fprintln(os.Stderr, "pulumi-language-nodejs: node is not on PATH: install Node.js and re-run")
		os.Exit(1)
	}
	host := languagehost.New(flag.Arg(0), node, version.Version)

	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Init: func(server *grpc.Server) error {
			pulumirpc.RegisterLanguageRuntimeServer(server, host)
			return nil
		},
		Options: rpcutil.OpenTracingServerInterceptorOptions(nil),
	})
	if err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-language-nodejs: cannot serve: %v\n", err)
		os.Exit(1)
	}
	fmt.Printf("%d\n", handle.Port)
	if err := <-handle.Done; err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-language-nodejs: %v\n", err)
		os.Exit(1)
	}
}
