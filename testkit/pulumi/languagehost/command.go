package languagehost

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// exitAfterUserMessage is the exit code @pulumi/pulumi's runner uses when the program failed and
// the error has already been shown to the user (cmd/run: nodeJSProcessExitedAfterLoggingUserActionableMessage).
const exitAfterUserMessage = 32

// Invocation is a node process to start: its arguments (after the node binary), environment
// additions and working directory.
type Invocation struct {
	Args []string
	Env  []string
	Dir  string
}

// RunInvocation builds the command line of cmd/run for a program, as the runner's usage states it:
// RUN <flags> [program] <[arg]...>. Configuration travels in the environment (PULUMI_CONFIG and
// PULUMI_CONFIG_SECRET_KEYS), where every copy of @pulumi/pulumi in the program reads it.
func RunInvocation(req *pulumirpc.RunRequest, runner, engineAddress string) (Invocation, error) {
	options := runtimeOptions(req.GetInfo())
	nodeArgs, err := options.nodeArgs()
	if err != nil {
		return Invocation{}, err
	}
	args := append(nodeArgs, runner,
		"--monitor="+req.GetMonitorAddress(),
		"--engine="+engineAddress,
		"--project="+req.GetProject(),
		"--stack="+req.GetStack(),
		"--pwd="+req.GetPwd(),
		"--root-directory="+req.GetInfo().GetRootDirectory(),
	)
	if req.GetOrganization() != "" {
		args = append(args, "--organization="+req.GetOrganization())
	}
	if req.GetDryRun() {
		args = append(args, "--dry-run")
	}
	if req.GetParallel() > 0 {
		args = append(args, "--parallel="+strconv.Itoa(int(req.GetParallel())))
	}
	args = append(args, entryPoint(req))
	args = append(args, req.GetArgs()...)

	config, err := json.Marshal(nonNil(req.GetConfig()))
	if err != nil {
		return Invocation{}, err
	}
	secretKeys, err := json.Marshal(nonNilSlice(req.GetConfigSecretKeys()))
	if err != nil {
		return Invocation{}, err
	}
	env := []string{
		"PULUMI_CONFIG=" + string(config),
		"PULUMI_CONFIG_SECRET_KEYS=" + string(secretKeys),
		"PULUMI_NODEJS_TYPESCRIPT=" + strconv.FormatBool(options.typeScript()),
	}
	if tsconfig := options.string("tsconfig"); tsconfig != "" {
		env = append(env, "PULUMI_NODEJS_TSCONFIG_PATH="+tsconfig)
	}
	return Invocation{Args: args, Env: env, Dir: req.GetPwd()}, nil
}

// PluginInvocation builds the command line of a plugin written in Node.js. A policy pack
// (kind "analyzer") runs cmd/run-policy-pack with the engine's address and the pack's folder, in
// that folder, as Pulumi's own policy shim always did: the pack reads its package.json from there.
// Any other plugin runs cmd/run-plugin in the working directory the engine gives.
func PluginInvocation(req *pulumirpc.RunPluginRequest, runner string) (Invocation, error) {
	options := runtimeOptions(req.GetInfo())
	nodeArgs, err := options.nodeArgs()
	if err != nil {
		return Invocation{}, err
	}
	programDir := pluginDir(req)
	args := append(nodeArgs, runner)
	args = append(args, req.GetArgs()...)
	args = append(args, programDir)
	env := append([]string{}, req.GetEnv()...)
	env = append(env, "PULUMI_NODEJS_TYPESCRIPT="+strconv.FormatBool(options.typeScript()))
	dir := req.GetPwd()
	if IsPolicyPack(req) {
		dir = programDir
	}
	return Invocation{Args: args, Env: env, Dir: dir}, nil
}

// pluginDir is the plugin's folder: the program directory the engine gives, or its program path.
func pluginDir(req *pulumirpc.RunPluginRequest) string {
	if dir := req.GetInfo().GetProgramDirectory(); dir != "" {
		return dir
	}
	return req.GetProgram()
}

// IsPolicyPack says whether the engine asks to run a policy pack rather than another plugin.
func IsPolicyPack(req *pulumirpc.RunPluginRequest) bool { return req.GetKind() == "analyzer" }

// RunnerFor names the @pulumi/pulumi runner for a plugin request.
func RunnerFor(req *pulumirpc.RunPluginRequest) string {
	if IsPolicyPack(req) {
		return "run-policy-pack"
	}
	return "run-plugin"
}

// RunResult turns the runner's exit code into the engine's answer: 0 is success; the runner's
// "already reported" code asks the engine to stop without another message; anything else is an
// error the user has not seen yet.
func RunResult(exitCode int) *pulumirpc.RunResponse {
	switch exitCode {
	case 0:
		return &pulumirpc.RunResponse{}
	case exitAfterUserMessage:
		return &pulumirpc.RunResponse{Bail: true}
	default:
		return &pulumirpc.RunResponse{Error: fmt.Sprintf("Program exited with non-zero exit code: %d", exitCode)}
	}
}

// entryPoint is the program to run: Pulumi.yaml's `main` (a file or folder the engine has split
// into program directory and entry point), or "." to let the runner read package.json's main.
func entryPoint(req *pulumirpc.RunRequest) string {
	info := req.GetInfo()
	if info == nil || info.GetEntryPoint() == "" {
		if req.GetProgram() != "" {
			return req.GetProgram()
		}
		return "."
	}
	if info.GetEntryPoint() == "." {
		return "."
	}
	return filepath.Join(info.GetProgramDirectory(), info.GetEntryPoint())
}

// options are Pulumi.yaml's runtime options (runtime: {name: nodejs, options: {...}}).
type options map[string]any

func runtimeOptions(info *pulumirpc.ProgramInfo) options {
	if info == nil || info.GetOptions() == nil {
		return options{}
	}
	return info.GetOptions().AsMap()
}

// typeScript is on unless Pulumi.yaml turns it off, as with Pulumi's own Node.js host.
func (o options) typeScript() bool {
	value, ok := o["typescript"].(bool)
	return !ok || value
}

func (o options) string(key string) string {
	value, _ := o[key].(string)
	return value
}

// nodeArgs are extra arguments for node itself (`nodeargs: "--max-old-space-size=4096"`).
func (o options) nodeArgs() ([]string, error) {
	value, ok := o["nodeargs"]
	if !ok {
		return nil, nil
	}
	text, ok := value.(string)
	if !ok {
		return nil, fmt.Errorf("Pulumi.yaml: runtime option nodeargs must be a string of node flags, got %v", value)
	}
	return strings.Fields(text), nil
}

func nonNil(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}

func nonNilSlice(s []string) []string {
	if s == nil {
		return []string{}
	}
	sorted := append([]string{}, s...)
	sort.Strings(sorted)
	return sorted
}
