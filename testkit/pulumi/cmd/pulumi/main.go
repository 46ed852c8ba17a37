// pulumi: the Pulumi CLI for the suite's real engine, built from github.com/pulumi/pulumi/pkg/v3.
// Upstream's root command (NewPulumiCmd) lives in package main and cannot be imported; its
// subcommands can. This root adds the ones a platform team runs against a local file backend
// (login, stack, config, preview, up, destroy, refresh, state, plugin, policy, about, version)
// and the persistent flags those subcommands read. Nothing here talks to Pulumi Cloud: no update
// check, no telemetry; the suite runs it with PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true.
package main

import (
	"os"

	"github.com/spf13/cobra"

	"github.com/pulumi/pulumi/pkg/v3/backend"
	"github.com/pulumi/pulumi/pkg/v3/cmd/pulumi/about"
	"github.com/pulumi/pulumi/pkg/v3/cmd/pulumi/auth"
	cmdBackend "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi/backend"
	pulumicmd "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi/cmd"
	"github.com/pulumi/pulumi/pkg/v3/cmd/pulumi/config"
	"github.com/pulumi/pulumi/pkg/v3/cmd/pulumi/operations"
	"github.com/pulumi/pulumi/pkg/v3/cmd/pulumi/plugin"
	"github.com/pulumi/pulumi/pkg/v3/cmd/pulumi/policy"
	cmdStack "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi/stack"
	"github.com/pulumi/pulumi/pkg/v3/cmd/pulumi/state"
	cmdVersion "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi/version"
	"github.com/pulumi/pulumi/pkg/v3/cmd/pulumi/whoami"
	pkgWorkspace "github.com/pulumi/pulumi/pkg/v3/workspace"
	"github.com/pulumi/pulumi/sdk/v3/go/common/env"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/cmdutil"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/logging"
	"github.com/pulumi/pulumi/sdk/v3/go/common/version"
)

func main() {
	root := newRootCmd()
	err := root.Execute()
	logging.Flush()
	if err != nil {
		pulumicmd.DisplayErrorMessage(root.Context(), err, root.ErrOrStderr())
		os.Exit(pulumicmd.ExitCodeFor(err))
	}
}

func newRootCmd() *cobra.Command {
	var cwd, color string
	var verbose int
	var logToStderr, logFlow bool

	root := &cobra.Command{
		Use:           "pulumi",
		Short:         "Pulumi command line (the commands Paved's tests and platform teams run)",
		Version:       version.Version,
		SilenceErrors: true,
		SilenceUsage:  true,
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			// Code without display options of its own reads the global colorization.
			if err := cmdutil.SetGlobalColorization(color); err != nil {
				return err
			}
			if cwd != "" {
				if err := os.Chdir(cwd); err != nil {
					return err
				}
			}
			logging.InitLogging(logToStderr, verbose, logFlow)
			return nil
		},
	}
	root.SetVersionTemplate("{{.Version}}\n")

	flags := root.PersistentFlags()
	flags.StringVarP(&cwd, "cwd", "C", "", "Run pulumi as if it had been started in another directory")
	flags.StringVar(&color, "color", "auto", "Colorize output. Choices are: always, never, raw, auto")
	flags.IntVarP(&verbose, "verbose", "v", 0, "Enable verbose logging (e.g., v=3); anything >3 is very verbose")
	flags.BoolVar(&logToStderr, "logtostderr", false, "Log to stderr instead of to files")
	flags.BoolVar(&logFlow, "logflow", false, "Flow log settings to child processes (like plugins)")
	flags.BoolVar(&cmdutil.DisableInteractive, "non-interactive", false, "Disable interactive mode for all commands")
	flags.BoolVarP(&cmdutil.Emoji, "emoji", "e", false, "Enable emojis in the output")
	flags.BoolVarP(&cmdutil.FullyQualifyStackNames, "fully-qualify-stack-names", "Q", false, "Show fully-qualified stack names")
	flags.BoolVar(&backend.DisableIntegrityChecking, "disable-integrity-checking", false, "Disable integrity checking of checkpoint files")

	root.AddCommand(
		auth.NewLoginCmd(pkgWorkspace.Instance, cmdBackend.DefaultLoginManager, env.Global()),
		auth.NewLogoutCmd(pkgWorkspace.Instance),
		whoami.NewWhoAmICmd(pkgWorkspace.Instance, cmdBackend.DefaultLoginManager),
		cmdStack.NewStackCmd(),
		config.NewConfigCmd(pkgWorkspace.Instance),
		operations.NewPreviewCmd(),
		operations.NewUpCmd(),
		operations.NewDestroyCmd(),
		operations.NewRefreshCmd(),
		state.NewStateCmd(),
		plugin.NewPluginCmd(),
		policy.NewPolicyCmd(),
		about.NewAboutCmd(pkgWorkspace.Instance),
		cmdVersion.NewVersionCmd(),
	)
	root.CompletionOptions.DisableDefaultCmd = true
	return root
}
