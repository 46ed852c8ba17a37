package languagehost

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// manifest is the part of a package.json the host reads. A Pulumi provider SDK says in its
// "pulumi" block which plugin it needs (for example {"resource": true, "name": "kubernetes",
// "version": "4.34.2"}).
type manifest struct {
	Name                 string            `json:"name"`
	Version              string            `json:"version"`
	Dependencies         map[string]string `json:"dependencies"`
	OptionalDependencies map[string]string `json:"optionalDependencies"`
	DevDependencies      map[string]string `json:"devDependencies"`
	Pulumi               *struct {
		Resource bool   `json:"resource"`
		Name     string `json:"name"`
		Version  string `json:"version"`
		Server   string `json:"server"`
	} `json:"pulumi"`
}

// RequiredPlugin is a resource plugin a program needs, as its SDK package declares it.
type RequiredPlugin struct {
	Name    string
	Version string
	Server  string
}

// RequiredPlugins follows the program's declared dependencies through node_modules, the way
// Node.js resolves them (each package's own node_modules, then its ancestors'), and returns the
// resource plugins the Pulumi SDK packages among them declare. The program's own package is the
// nearest package.json at or above programDir; its devDependencies count too, since programs are
// often built in the same package as their tooling. Sorted by name, one entry per name and version.
func RequiredPlugins(programDir string) ([]RequiredPlugin, error) {
	rootManifest, rootDir, err := nearestManifest(programDir)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	found := map[string]RequiredPlugin{}
	var visit func(dir string, m *manifest, includeDev bool) error
	visit = func(dir string, m *manifest, includeDev bool) error {
		for _, name := range dependencyNames(m, includeDev) {
			packageDir, ok := resolvePackage(dir, name)
			if !ok {
				continue // an optional or not yet installed dependency: Node.js would fail later, not us
			}
			if seen[packageDir] {
				continue
			}
			seen[packageDir] = true
			dep, err := readManifest(filepath.Join(packageDir, "package.json"))
			if err != nil {
				return err
			}
			if plugin, ok := pluginOf(dep); ok {
				found[plugin.Name+"@"+plugin.Version] = plugin
			}
			if err := visit(packageDir, dep, false); err != nil {
				return err
			}
		}
		return nil
	}
	if err := visit(rootDir, rootManifest, true); err != nil {
		return nil, err
	}
	plugins := make([]RequiredPlugin, 0, len(found))
	for _, plugin := range found {
		plugins = append(plugins, plugin)
	}
	sort.Slice(plugins, func(i, j int) bool {
		if plugins[i].Name != plugins[j].Name {
			return plugins[i].Name < plugins[j].Name
		}
		return plugins[i].Version < plugins[j].Version
	})
	return plugins, nil
}

func pluginOf(m *manifest) (RequiredPlugin, bool) {
	if m.Pulumi == nil || !m.Pulumi.Resource {
		return RequiredPlugin{}, false
	}
	name := m.Pulumi.Name
	if name == "" {
		// Older SDKs leave the name out: the plugin is named after the package, without its scope.
		name = m.Name[strings.LastIndex(m.Name, "/")+1:]
	}
	version := m.Pulumi.Version
	if version == "" {
		version = m.Version
	}
	return RequiredPlugin{Name: name, Version: version, Server: m.Pulumi.Server}, true
}

func dependencyNames(m *manifest, includeDev bool) []string {
	names := map[string]bool{}
	for name := range m.Dependencies {
		names[name] = true
	}
	for name := range m.OptionalDependencies {
		names[name] = true
	}
	if includeDev {
		for name := range m.DevDependencies {
			names[name] = true
		}
	}
	sorted := make([]string, 0, len(names))
	for name := range names {
		sorted = append(sorted, name)
	}
	sort.Strings(sorted)
	return sorted
}

// resolvePackage finds name's folder as Node.js would from a module in dir: dir/node_modules/name,
// then the same in each ancestor.
func resolvePackage(dir, name string) (string, bool) {
	for current := realDir(dir); ; current = filepath.Dir(current) {
		candidate := filepath.Join(current, "node_modules", filepath.FromSlash(name))
		if info, err := os.Stat(filepath.Join(candidate, "package.json")); err == nil && info.Mode().IsRegular() {
			if real, err := filepath.EvalSymlinks(candidate); err == nil {
				return real, true // workspaces link packages; one identity per real folder
			}
			return candidate, true
		}
		if parent := filepath.Dir(current); parent == current {
			return "", false
		}
	}
}

// ResolveRunner finds one of the runners @pulumi/pulumi ships (cmd/run, cmd/run-policy-pack,
// cmd/run-plugin) from dir, so the program runs with the SDK it was installed with.
func ResolveRunner(dir, runner string) (string, error) {
	sdk, ok := resolvePackage(dir, "@pulumi/pulumi")
	if !ok {
		return "", fmt.Errorf("@pulumi/pulumi is not installed for %s: run `npm install` (or `npm ci`) there first", dir)
	}
	path := filepath.Join(sdk, "cmd", runner)
	if _, err := os.Stat(filepath.Join(path, "index.js")); err != nil {
		return "", fmt.Errorf("@pulumi/pulumi at %s has no cmd/%s: it is too old for this engine, upgrade it", sdk, runner)
	}
	return path, nil
}

// realDir is dir with symlinks resolved: Node.js resolves modules from their real path, so a
// symlinked program folder finds the package.json and node_modules of the folder it points into.
func realDir(dir string) string {
	if real, err := filepath.EvalSymlinks(dir); err == nil {
		return real
	}
	return dir
}

func nearestManifest(dir string) (*manifest, string, error) {
	for current := realDir(dir); ; current = filepath.Dir(current) {
		m, err := readManifest(filepath.Join(current, "package.json"))
		if err == nil {
			return m, current, nil
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return nil, "", err
		}
		if parent := filepath.Dir(current); parent == current {
			return nil, "", fmt.Errorf("no package.json at or above %s: a Node.js Pulumi program needs one (run `npm init`)", dir)
		}
	}
}

func readManifest(path string) (*manifest, error) {
	contents, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var m manifest
	if err := json.Unmarshal(contents, &m); err != nil {
		return nil, fmt.Errorf("%s is not valid JSON: %w", path, err)
	}
	return &m, nil
}
