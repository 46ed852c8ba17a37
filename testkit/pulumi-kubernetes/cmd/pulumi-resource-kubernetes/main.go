// pulumi-resource-kubernetes: Pulumi's Kubernetes provider as upstream serves it, with a main of
// our own. Upstream's main embeds a copy of schema.json that its build generates and that the
// module zip does not carry; the zip does carry schema.json itself, which the tools installer puts
// beside this binary. The provider answers GetSchema (and reads it for its YAML and Helm
// components) with that file, stamped with this build's version as upstream's generator does.
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/provider"
	"github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version"
)

func main() {
	schema, err := versionedSchema()
	if err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-resource-kubernetes: %v\n", err)
		os.Exit(1)
	}
	// The Terraform mapping serves `pulumi convert` from Terraform, which the suite never runs.
	provider.Serve("kubernetes", version.Version, schema, []byte("{}"))
}

func versionedSchema() ([]byte, error) {
	executable, err := os.Executable()
	if err != nil {
		return nil, err
	}
	path := filepath.Join(filepath.Dir(executable), "schema.json")
	contents, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("cannot read the provider schema (the tools installer puts it beside this binary; re-run scripts/install-tools.sh): %w", err)
	}
	var spec map[string]json.RawMessage
	if err := json.Unmarshal(contents, &spec); err != nil {
		return nil, fmt.Errorf("%s is not a JSON schema: %w", path, err)
	}
	spec["version"], _ = json.Marshal(version.Version)
	return json.Marshal(spec)
}
