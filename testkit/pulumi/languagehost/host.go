// Package languagehost is a Pulumi language host for Node.js programs and policy packs: the
// LanguageRuntime gRPC service the engine starts as `pulumi-language-nodejs`. Pulumi's own host
// is not published as a Go module one can build here, and its logic lives in package main; this
// one does the part the engine needs to run a program (Run), a policy pack or other plugin
// (RunPlugin) and to know which provider plugins a program uses (GetRequiredPackages), by starting
// node on the runners @pulumi/pulumi ships on npm. Installing dependencies and generating code
// (`pulumi new`, `pulumi convert`) are left to npm and answer Unimplemented.
package languagehost

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sync"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/emptypb"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// Host serves LanguageRuntime. Node is the node binary programs run with.
type Host struct {
	pulumirpc.UnimplementedLanguageRuntimeServer

	Node    string
	Version string

	mu            sync.Mutex
	engineAddress string
}

// New returns a host that reports to the engine at engineAddress (it may also arrive later, by
// Handshake) and runs programs with node.
func New(engineAddress, node, version string) *Host {
	return &Host{engineAddress: engineAddress, Node: node, Version: version}
}

func (h *Host) Handshake(_ context.Context, req *pulumirpc.LanguageHandshakeRequest) (*pulumirpc.LanguageHandshakeResponse, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.engineAddress = req.GetEngineAddress()
	return &pulumirpc.LanguageHandshakeResponse{}, nil
}

func (h *Host) engine() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.engineAddress
}

func (h *Host) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: h.Version}, nil
}

func (h *Host) GetRequiredPackages(_ context.Context, req *pulumirpc.GetRequiredPackagesRequest) (*pulumirpc.GetRequiredPackagesResponse, error) {
	plugins, err := RequiredPlugins(req.GetInfo().GetProgramDirectory())
	if err != nil {
		return nil, err
	}
	packages := make([]*pulumirpc.PackageDependency, 0, len(plugins))
	for _, plugin := range plugins {
		packages = append(packages, &pulumirpc.PackageDependency{
			Name: plugin.Name, Kind: "resource", Version: plugin.Version, Server: plugin.Server,
		})
	}
	return &pulumirpc.GetRequiredPackagesResponse{Packages: packages}, nil
}

// Run runs a program to completion with cmd/run. Its output goes to the host's own stdout and
// stderr, which the engine shows as the program's.
func (h *Host) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	runner, err := ResolveRunner(req.GetInfo().GetProgramDirectory(), "run")
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}
	invocation, err := RunInvocation(req, runner, h.engine())
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}
	cmd := h.command(ctx, invocation, os.Environ())
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	code, err := exitCode(cmd.Run())
	if err != nil {
		return &pulumirpc.RunResponse{Error: fmt.Sprintf("could not run %s: %v", h.Node, err)}, nil
	}
	return RunResult(code), nil
}

// RunPlugin starts a plugin written in Node.js (a policy pack, a provider) and streams its output
// to the engine until it exits; the engine reads the plugin's gRPC port from the first line.
func (h *Host) RunPlugin(req *pulumirpc.RunPluginRequest, stream grpc.ServerStreamingServer[pulumirpc.RunPluginResponse]) error {
	runner, err := ResolveRunner(pluginDir(req), RunnerFor(req))
	if err != nil {
		return status.Error(codes.FailedPrecondition, err.Error())
	}
	invocation, err := PluginInvocation(req, runner)
	if err != nil {
		return status.Error(codes.InvalidArgument, err.Error())
	}
	// The engine passes the whole environment the plugin should see.
	cmd := h.command(stream.Context(), invocation, nil)
	send := &streamWriter{stream: stream}
	cmd.Stdout = send.output(func(b []byte) *pulumirpc.RunPluginResponse {
		return &pulumirpc.RunPluginResponse{Output: &pulumirpc.RunPluginResponse_Stdout{Stdout: b}}
	})
	cmd.Stderr = send.output(func(b []byte) *pulumirpc.RunPluginResponse {
		return &pulumirpc.RunPluginResponse{Output: &pulumirpc.RunPluginResponse_Stderr{Stderr: b}}
	})
	code, err := exitCode(cmd.Run())
	if err != nil {
		return status.Errorf(codes.Internal, "could not run %s: %v", h.Node, err)
	}
	return send.send(&pulumirpc.RunPluginResponse{Output: &pulumirpc.RunPluginResponse_Exitcode{Exitcode: int32(code)}})
}

func (h *Host) About(ctx context.Context, _ *pulumirpc.AboutRequest) (*pulumirpc.AboutResponse, error) {
	out, err := exec.CommandContext(ctx, h.Node, "--version").Output()
	if err != nil {
		return nil, fmt.Errorf("could not run %s --version: %w", h.Node, err)
	}
	return &pulumirpc.AboutResponse{Executable: h.Node, Version: string(bytes.TrimSpace(bytes.TrimPrefix(out, []byte("v"))))}, nil
}

// GetProgramDependencies lists the program's direct dependencies (by name) with the versions installed.
func (h *Host) GetProgramDependencies(_ context.Context, req *pulumirpc.GetProgramDependenciesRequest) (*pulumirpc.GetProgramDependenciesResponse, error) {
	m, dir, err := nearestManifest(req.GetInfo().GetProgramDirectory())
	if err != nil {
		return nil, err
	}
	var dependencies []*pulumirpc.DependencyInfo
	for _, name := range dependencyNames(m, true) {
		packageDir, ok := resolvePackage(dir, name)
		if !ok {
			continue
		}
		dep, err := readManifest(filepath.Join(packageDir, "package.json"))
		if err != nil {
			return nil, err
		}
		dependencies = append(dependencies, &pulumirpc.DependencyInfo{Name: name, Version: dep.Version})
	}
	return &pulumirpc.GetProgramDependenciesResponse{Dependencies: dependencies}, nil
}

// Cancel is a no-op: programs stop when their context ends, which the engine's shutdown brings.
func (h *Host) Cancel(context.Context, *emptypb.Empty) (*emptypb.Empty, error) {
	return &emptypb.Empty{}, nil
}

func (h *Host) command(ctx context.Context, invocation Invocation, base []string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, h.Node, invocation.Args...)
	cmd.Dir = invocation.Dir
	cmd.Env = append(append([]string{}, base...), invocation.Env...)
	return cmd
}

// exitCode separates "the program ran and exited with a code" from "node could not be started".
func exitCode(err error) (int, error) {
	var exit *exec.ExitError
	switch {
	case err == nil:
		return 0, nil
	case errors.As(err, &exit):
		if code := exit.ExitCode(); code >= 0 {
			return code, nil
		}
		return 1, nil // killed by a signal
	default:
		return 0, err
	}
}

// streamWriter serialises writes from the plugin's stdout and stderr onto one gRPC stream.
type streamWriter struct {
	mu     sync.Mutex
	stream grpc.ServerStreamingServer[pulumirpc.RunPluginResponse]
}

func (w *streamWriter) send(msg *pulumirpc.RunPluginResponse) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.stream.Send(msg)
}

func (w *streamWriter) output(wrap func([]byte) *pulumirpc.RunPluginResponse) io.Writer {
	return writerFunc(func(b []byte) (int, error) {
		if err := w.send(wrap(append([]byte{}, b...))); err != nil {
			return 0, err
		}
		return len(b), nil
	})
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(b []byte) (int, error) { return f(b) }
