package languagehost

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func writeFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// A workspace laid out as npm lays it out: the program's package in a subfolder, its
// dependencies hoisted to the root's node_modules, one nested where versions differ.
func workspace(t *testing.T) string {
	root := t.TempDir()
	writeFile(t, filepath.Join(root, "package.json"), `{"name":"root","workspaces":["platform"]}`)
	writeFile(t, filepath.Join(root, "platform/package.json"), `{"name":"@acme/platform","version":"1.0.0",
		"dependencies":{"@pulumi/kubernetes":"^4","@pulumi/pulumi":"^3","yaml":"^2"},
		"devDependencies":{"@pulumi/random":"^4"}}`)
	writeFile(t, filepath.Join(root, "platform/dist/pulumi/main.js"), ``)
	writeFile(t, filepath.Join(root, "node_modules/@pulumi/kubernetes/package.json"), `{"name":"@pulumi/kubernetes","version":"4.34.2",
		"dependencies":{"@pulumi/pulumi":"^3","glob":"^10"},
		"pulumi":{"resource":true,"name":"kubernetes","version":"4.34.2"}}`)
	writeFile(t, filepath.Join(root, "node_modules/@pulumi/pulumi/package.json"), `{"name":"@pulumi/pulumi","version":"3.248.0"}`)
	writeFile(t, filepath.Join(root, "node_modules/@pulumi/pulumi/cmd/run/index.js"), ``)
	writeFile(t, filepath.Join(root, "node_modules/@pulumi/random/package.json"), `{"name":"@pulumi/random","version":"4.18.0",
		"pulumi":{"resource":true}}`)
	writeFile(t, filepath.Join(root, "node_modules/yaml/package.json"), `{"name":"yaml","version":"2.9.1"}`)
	// glob's own copy, nested: its provider block must be found through the nested folder.
	writeFile(t, filepath.Join(root, "node_modules/@pulumi/kubernetes/node_modules/glob/package.json"), `{"name":"glob","version":"10.0.0",
		"dependencies":{"@pulumi/tls":"^5"}}`)
	writeFile(t, filepath.Join(root, "node_modules/@pulumi/tls/package.json"), `{"name":"@pulumi/tls","version":"5.1.0",
		"pulumi":{"resource":true,"name":"tls","server":"https://plugins.example.test"}}`)
	// Installed but not depended on: not the program's.
	writeFile(t, filepath.Join(root, "node_modules/@pulumi/aws/package.json"), `{"name":"@pulumi/aws","version":"7.0.0",
		"pulumi":{"resource":true,"name":"aws","version":"7.0.0"}}`)
	return root
}

func TestRequiredPluginsFollowsDeclaredDependencies(t *testing.T) {
	root := workspace(t)
	plugins, err := RequiredPlugins(filepath.Join(root, "platform/dist/pulumi"))
	if err != nil {
		t.Fatal(err)
	}
	want := []RequiredPlugin{
		{Name: "kubernetes", Version: "4.34.2"},
		{Name: "random", Version: "4.18.0"},                                     // name from the package, version from package.json
		{Name: "tls", Version: "5.1.0", Server: "https://plugins.example.test"}, // through a nested dependency
	}
	if !reflect.DeepEqual(plugins, want) {
		t.Fatalf("plugins = %+v, want %+v", plugins, want)
	}
}

func TestRequiredPluginsSeesThroughSymlinkedProgramFolders(t *testing.T) {
	root := workspace(t)
	project := t.TempDir()
	if err := os.Symlink(filepath.Join(root, "platform/dist"), filepath.Join(project, "dist")); err != nil {
		t.Fatal(err)
	}
	plugins, err := RequiredPlugins(filepath.Join(project, "dist/pulumi"))
	if err != nil {
		t.Fatal(err)
	}
	if len(plugins) != 3 {
		t.Fatalf("plugins = %+v, want the workspace's three", plugins)
	}
	runner, err := ResolveRunner(filepath.Join(project, "dist/pulumi"), "run")
	if err != nil || runner != filepath.Join(root, "node_modules/@pulumi/pulumi/cmd/run") {
		t.Fatalf("runner = %q, %v", runner, err)
	}
}

func TestRequiredPluginsErrors(t *testing.T) {
	empty := t.TempDir()
	if _, err := RequiredPlugins(empty); err == nil || !strings.Contains(err.Error(), "no package.json at or above") {
		t.Fatalf("err = %v", err)
	}
	broken := t.TempDir()
	writeFile(t, filepath.Join(broken, "package.json"), `{"name":`)
	if _, err := RequiredPlugins(broken); err == nil || !strings.Contains(err.Error(), "is not valid JSON") {
		t.Fatalf("err = %v", err)
	}
}

func TestResolveRunnerSaysWhatIsMissing(t *testing.T) {
	root := workspace(t)
	if _, err := ResolveRunner(filepath.Join(root, "platform"), "run-policy-pack"); err == nil || !strings.Contains(err.Error(), "has no cmd/run-policy-pack") {
		t.Fatalf("err = %v", err)
	}
	if _, err := ResolveRunner(t.TempDir(), "run"); err == nil || !strings.Contains(err.Error(), "@pulumi/pulumi is not installed") {
		t.Fatalf("err = %v", err)
	}
}
