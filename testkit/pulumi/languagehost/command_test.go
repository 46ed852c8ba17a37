package languagehost

import (
	"reflect"
	"strings"
	"testing"

	"google.golang.org/protobuf/types/known/structpb"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

func programInfo(t *testing.T, entryPoint string, options map[string]any) *pulumirpc.ProgramInfo {
	t.Helper()
	s, err := structpb.NewStruct(options)
	if err != nil {
		t.Fatal(err)
	}
	return &pulumirpc.ProgramInfo{RootDirectory: "/repo/platform", ProgramDirectory: "/repo/platform/dist/pulumi", EntryPoint: entryPoint, Options: s}
}

func TestRunInvocationIsTheRunnersCommandLine(t *testing.T) {
	req := &pulumirpc.RunRequest{
		Project: "paved-platform", Stack: "dev-s0", Pwd: "/repo/platform/dist/pulumi", Organization: "organization",
		MonitorAddress: "127.0.0.1:4000", DryRun: true, Parallel: 16, Args: []string{"extra"},
		Config:           map[string]string{"paved-platform:configDir": "examples"},
		ConfigSecretKeys: []string{"paved-platform:b", "paved-platform:a"},
		Info:             programInfo(t, "main.js", map[string]any{"typescript": false, "nodeargs": "--max-old-space-size=4096 --no-warnings"}),
	}
	got, err := RunInvocation(req, "/repo/node_modules/@pulumi/pulumi/cmd/run", "127.0.0.1:5000")
	if err != nil {
		t.Fatal(err)
	}
	want := Invocation{
		Args: []string{
			"--max-old-space-size=4096", "--no-warnings", "/repo/node_modules/@pulumi/pulumi/cmd/run",
			"--monitor=127.0.0.1:4000", "--engine=127.0.0.1:5000", "--project=paved-platform", "--stack=dev-s0",
			"--pwd=/repo/platform/dist/pulumi", "--root-directory=/repo/platform", "--organization=organization",
			"--dry-run", "--parallel=16", "/repo/platform/dist/pulumi/main.js", "extra",
		},
		Env: []string{
			`PULUMI_CONFIG={"paved-platform:configDir":"examples"}`,
			`PULUMI_CONFIG_SECRET_KEYS=["paved-platform:a","paved-platform:b"]`,
			"PULUMI_NODEJS_TYPESCRIPT=false",
		},
		Dir: "/repo/platform/dist/pulumi",
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("invocation =\n%#v\nwant\n%#v", got, want)
	}
}

func TestRunInvocationDefaults(t *testing.T) {
	// No main in Pulumi.yaml: the runner reads package.json's; TypeScript is on unless turned off.
	req := &pulumirpc.RunRequest{Project: "p", Stack: "s", Pwd: "/p", MonitorAddress: "m", Info: programInfo(t, ".", map[string]any{"tsconfig": "tsconfig.pulumi.json"})}
	got, err := RunInvocation(req, "run", "e")
	if err != nil {
		t.Fatal(err)
	}
	if last := got.Args[len(got.Args)-1]; last != "." {
		t.Fatalf("entry point = %q, want .", last)
	}
	for _, arg := range got.Args {
		if arg == "--dry-run" || strings.HasPrefix(arg, "--parallel") || strings.HasPrefix(arg, "--organization") {
			t.Fatalf("unexpected %s in %v", arg, got.Args)
		}
	}
	wantEnv := []string{"PULUMI_CONFIG={}", "PULUMI_CONFIG_SECRET_KEYS=[]", "PULUMI_NODEJS_TYPESCRIPT=true", "PULUMI_NODEJS_TSCONFIG_PATH=tsconfig.pulumi.json"}
	if !reflect.DeepEqual(got.Env, wantEnv) {
		t.Fatalf("env = %v, want %v", got.Env, wantEnv)
	}
}

func TestRunInvocationRefusesNodeArgsThatAreNotAString(t *testing.T) {
	req := &pulumirpc.RunRequest{Info: programInfo(t, ".", map[string]any{"nodeargs": []any{"--inspect"}})}
	if _, err := RunInvocation(req, "run", "e"); err == nil || !strings.Contains(err.Error(), "nodeargs must be a string") {
		t.Fatalf("err = %v", err)
	}
}

func TestPolicyPacksRunInTheirOwnFolder(t *testing.T) {
	req := &pulumirpc.RunPluginRequest{
		Pwd: "/repo/platform/dist/pulumi", Program: "/repo/platform/policy", Kind: "analyzer",
		Args: []string{"127.0.0.1:5000"}, Env: []string{"PATH=/bin"},
		Info: &pulumirpc.ProgramInfo{RootDirectory: "/repo/platform/policy", ProgramDirectory: "/repo/platform/policy", EntryPoint: "."},
	}
	if RunnerFor(req) != "run-policy-pack" {
		t.Fatalf("runner = %s", RunnerFor(req))
	}
	got, err := PluginInvocation(req, "/r/run-policy-pack")
	if err != nil {
		t.Fatal(err)
	}
	want := Invocation{
		Args: []string{"/r/run-policy-pack", "127.0.0.1:5000", "/repo/platform/policy"},
		Env:  []string{"PATH=/bin", "PULUMI_NODEJS_TYPESCRIPT=true"},
		Dir:  "/repo/platform/policy",
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("invocation = %#v, want %#v", got, want)
	}

	req.Kind = "resource"
	if RunnerFor(req) != "run-plugin" {
		t.Fatalf("runner = %s", RunnerFor(req))
	}
	if got, _ := PluginInvocation(req, "/r/run-plugin"); got.Dir != "/repo/platform/dist/pulumi" {
		t.Fatalf("a provider runs where the engine says; dir = %s", got.Dir)
	}
}

func TestRunResult(t *testing.T) {
	for code, want := range map[int]*pulumirpc.RunResponse{
		0:  {},
		32: {Bail: true},
		1:  {Error: "Program exited with non-zero exit code: 1"},
		2:  {Error: "Program exited with non-zero exit code: 2"},
	} {
		got := RunResult(code)
		if got.GetBail() != want.GetBail() || got.GetError() != want.GetError() {
			t.Errorf("RunResult(%d) = %v, want %v", code, got, want)
		}
	}
}
