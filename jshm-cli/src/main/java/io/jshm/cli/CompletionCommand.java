package io.jshm.cli;

import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code jshm completion bash|zsh}: the shell completion script, generated from the command model. */
@Command(name = "completion",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "Prints a completion script for bash or zsh, made from jshm's own commands and options (picocli's"
                    + " AutoComplete), so it always matches this version. It completes the command 'jshm': put"
                    + " bin/jshm on the PATH as jshm (a link will do).",
            ""
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  ln -s \"$PWD/bin/jshm\" ~/.local/bin/jshm     jshm on the PATH",
            "  jshm completion bash \\",
            "    > ~/.local/share/bash-completion/completions/jshm",
            "                                    bash: from the next shell on",
            "  jshm completion zsh > ~/.jshm-completion.zsh",
            "  echo 'source ~/.jshm-completion.zsh' >> ~/.zshrc     zsh",
            "  source <(jshm completion bash)    this shell only"
        })
final class CompletionCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "SHELL", description = "bash or zsh.")
    private String shell;

    @Override
    public Integer call() {
        String chosen = shell.toLowerCase(Locale.ROOT);
        if (!chosen.equals("bash") && !chosen.equals("zsh")) {
            throw new ParameterException(spec.commandLine(), "unknown shell '" + shell + "': bash or zsh");
        }
        // One script serves both: it switches zsh into bash-completion mode (bashcompinit) itself.
        String script = AutoComplete.bash("jshm", spec.root().commandLine());
        spec.commandLine().getOut().print(script);
        spec.commandLine().getOut().flush();
        return ExitCode.OK;
    }
}
