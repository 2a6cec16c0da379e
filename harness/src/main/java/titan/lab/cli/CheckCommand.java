package titan.lab.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import titan.checker.CheckOptions;
import titan.checker.CheckResult;
import titan.checker.FailedCas;
import titan.checker.Linearizability;
import titan.checker.Model;
import titan.checker.ModelMismatchException;
import titan.checker.Verdict;
import titan.checker.edn.EdnReader;
import titan.checker.edn.EdnSyntaxException;
import titan.checker.edn.Keyword;
import titan.checker.history.History;
import titan.checker.history.HistoryFiles;
import titan.checker.history.HistoryFormatException;
import titan.checker.model.CasRegisterModel;
import titan.checker.model.KvModel;
import titan.checker.model.MultiRegisterModel;
import titan.checker.model.MutexModel;
import titan.checker.model.NilRead;
import titan.checker.model.RegisterModel;
import titan.checker.report.HtmlReport;
import titan.checker.set.SetChecker;
import titan.checker.set.SetResult;

/**
 * {@code titan-lab check FILE...}: checks recorded histories (JSON Lines or Jepsen EDN) and prints
 * one verdict line per file and a summary, and with {@code --html} an HTML explanation per file.
 * Exit code: 0 all valid, 1 any invalid, 2 any unknown (and none invalid), 254 bad arguments, an
 * unreadable or malformed file, or an HTML page that cannot be written.
 */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = "Checks histories (.jsonl or Jepsen .edn) for linearizability, or a set workload's final read.")
public final class CheckCommand implements Callable<Integer> {
    private static final List<String> MODELS = List.of("kv", "register", "cas-register", "multi-register", "mutex", "set");

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "History files; the format comes from the extension or the content.")
    List<Path> files;

    @Option(names = "--model", paramLabel = "MODEL", defaultValue = "kv",
            description = "kv, register, cas-register, multi-register, mutex or set (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "60s", converter = DurationConverter.class,
            description = "Deadline per file, e.g. 500ms, 60s, 5m; past it the verdict is unknown (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(names = "--initial", paramLabel = "EDN",
            description = "Initial register value as EDN, e.g. 0, '\"x\"', nil; for multi-register a map such as '{:x 0 :y 0}'.")
    String initial;

    @Option(names = "--nil-read", paramLabel = "MEANING",
            description = "What an ok read of nil means: absent (the register is unset) or unknown (legal anywhere, as in "
                    + "Knossos). Default: absent for JSON Lines, unknown for EDN.")
    String nilRead;

    @Option(names = "--failed-cas", paramLabel = "MEANING", defaultValue = "did-not-happen",
            description = "did-not-happen (Jepsen, the default) or read-different (Porcupine: the cas saw another value).")
    String failedCas;

    @Option(names = "--html", paramLabel = "FILE",
            description = "Also write a self-contained HTML explanation (summary, and for an invalid or unknown verdict "
                    + "a timeline of the failing key) of each history checked. With one history it goes to FILE; with "
                    + "several, to FILE with the history's position among the arguments (from 1) before the "
                    + "extension: out.html gives out-1.html, out-2.html, ... Not for --model set.")
    Path html;

    /** Pages that could not be written; they make the exit code 254 like any unusable argument. */
    private int pagesUnwritten;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Settings settings = settings();
        if (html != null && model.equals("set")) {
            err.println("titan-lab: --html explains linearizability checks; there is no page for --model set");
        }
        Map<Verdict, Integer> counts = new LinkedHashMap<>();
        int malformed = 0;
        for (int i = 0; i < files.size(); i++) {
            Path file = files.get(i);
            try {
                Verdict verdict = checkOne(file, settings, out, html == null ? null : page(i));
                counts.merge(verdict, 1, Integer::sum);
            } catch (IOException e) {
                malformed++;
                err.println("titan-lab: " + file + ": cannot read: " + e.getMessage());
            } catch (HistoryFormatException | IllegalArgumentException e) {
                // ModelMismatchException and the set checker's refusals are IllegalArgumentExceptions.
                malformed++;
                err.println("titan-lab: " + e.getMessage());
            }
        }
        out.printf("%d file%s: %d valid, %d invalid, %d unknown%s%n", files.size(), files.size() == 1 ? "" : "s",
                counts.getOrDefault(Verdict.VALID, 0), counts.getOrDefault(Verdict.INVALID, 0),
                counts.getOrDefault(Verdict.UNKNOWN, 0), malformed == 0 ? "" : ", " + malformed + " unreadable");
        out.flush();
        if (malformed > 0 || pagesUnwritten > 0) {
            return TitanLab.EXIT_USAGE;
        }
        if (counts.containsKey(Verdict.INVALID)) {
            return TitanLab.EXIT_INVALID;
        }
        return counts.containsKey(Verdict.UNKNOWN) ? TitanLab.EXIT_UNKNOWN : TitanLab.EXIT_VALID;
    }

    /** @param page where to write the HTML explanation, or null for none */
    private Verdict checkOne(Path file, Settings settings, PrintWriter out, Path page)
            throws IOException, HistoryFormatException {
        History history = HistoryFiles.read(file);
        if (model.equals("set")) {
            long startNanos = System.nanoTime();
            SetResult result = SetChecker.check(history);
            out.printf("%s  %s  ops=%d  %d ms  %s%n", file, name(result.verdict()), history.operations().size(),
                    (System.nanoTime() - startNanos) / 1_000_000, result.summary());
            return result.verdict();
        }
        NilRead nil = settings.nilRead != null ? settings.nilRead
                : HistoryFiles.detect(file) == HistoryFiles.Format.EDN ? NilRead.UNKNOWN : NilRead.ABSENT;
        CheckResult result = Linearizability.check(model(nil, settings.initial), history, settings.options);
        String line = String.format(Locale.ROOT, "%s  %s  ops=%d  partitions=%d  %d ms", file, name(result.verdict()),
                result.operationCount(), result.partitions().size(), result.elapsedNanos() / 1_000_000);
        out.println(result.verdict() == Verdict.VALID ? line : line + "  " + result.explanation());
        if (page != null) {
            writePage(result, history, page, out);
        }
        return result.verdict();
    }

    /** The page for the {@code index}-th file (from 0): see the --html option. */
    private Path page(int index) {
        if (files.size() == 1) {
            return html;
        }
        String name = html.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String numbered = dot > 0 ? name.substring(0, dot) + "-" + (index + 1) + name.substring(dot)
                : name + "-" + (index + 1);
        return html.resolveSibling(numbered);
    }

    private void writePage(CheckResult result, History history, Path page, PrintWriter out) {
        try {
            HtmlReport.write(result, history, page);
            out.println("  html: " + page);
        } catch (IOException e) {
            // The verdict stands; the page is lost, and the exit code says an argument was unusable.
            pagesUnwritten++;
            String reason = e instanceof java.nio.file.NoSuchFileException ? "its folder does not exist"
                    : e instanceof java.nio.file.AccessDeniedException ? "permission denied" : e.getMessage();
            spec.commandLine().getErr().println("titan-lab: cannot write " + page + ": " + reason);
        }
    }

    private Model<?> model(NilRead nil, Object initialValue) {
        return switch (model) {
            case "kv" -> new KvModel(nil);
            case "register" -> new RegisterModel(initialValue, nil);
            case "cas-register" -> new CasRegisterModel(initialValue, nil);
            case "multi-register" -> new MultiRegisterModel(registers(initialValue));
            case "mutex" -> new MutexModel();
            default -> throw new IllegalStateException("model " + model);
        };
    }

    private Map<String, Object> registers(Object initialValue) {
        Map<String, Object> registers = new LinkedHashMap<>();
        if (initialValue instanceof Map<?, ?> map) {
            map.forEach((k, v) -> registers.put(k instanceof Keyword keyword ? keyword.name() : String.valueOf(k), v));
        }
        return registers;
    }

    private record Settings(CheckOptions options, Object initial, NilRead nilRead) {}

    /** Validates the options; a bad one is a usage error (exit 254). */
    private Settings settings() {
        if (!MODELS.contains(model)) {
            throw usage("unknown --model " + model + " (expected one of " + String.join(", ", MODELS) + ")");
        }
        Object initialValue = null;
        if (initial != null) {
            try {
                initialValue = new EdnReader(initial).readForm();
            } catch (EdnSyntaxException e) {
                throw usage("--initial is not an EDN value: " + e.reason());
            }
            if (model.equals("multi-register") && !(initialValue instanceof Map)) {
                throw usage("--initial for multi-register must be a map such as {:x 0 :y 0}");
            }
        }
        if (html != null && html.getFileName() == null) {
            throw usage("--html must name a file, not " + html);
        }
        NilRead nil = switch (nilRead == null ? "" : nilRead) {
            case "" -> null;
            case "absent" -> NilRead.ABSENT;
            case "unknown" -> NilRead.UNKNOWN;
            default -> throw usage("--nil-read must be absent or unknown, not " + nilRead);
        };
        FailedCas cas = switch (failedCas) {
            case "did-not-happen" -> FailedCas.DID_NOT_HAPPEN;
            case "read-different" -> FailedCas.READ_DIFFERENT;
            default -> throw usage("--failed-cas must be did-not-happen or read-different, not " + failedCas);
        };
        CheckOptions options = CheckOptions.defaults().withTimeout(timeout).withFailedCas(cas);
        return new Settings(options, initialValue, nil);
    }

    private CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }

    private static String name(Verdict verdict) {
        return verdict.name().toLowerCase(Locale.ROOT);
    }
}
