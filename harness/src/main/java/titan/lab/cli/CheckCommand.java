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
import java.util.Set;
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
import titan.checker.history.HistoryLint;
import titan.checker.history.HistoryWarning;
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
 * one verdict line per file (or why the file could not be checked) and a summary, and with
 * {@code --html} an HTML explanation per file. Readable but suspicious input gets warnings on
 * standard error, or with {@code --strict} the file is refused.
 * <p>Exit code: 1 if any file is invalid (whatever else happened: an invalid verdict is never
 * hidden), else 254 if any file could not be read or checked, an argument is bad, or a page could
 * not be written, else 2 if any verdict is unknown, else 0.
 */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = {"Checks histories (.jsonl or Jepsen .edn) for linearizability, or a set workload's final read.",
                "FILE '-' reads standard input.",
                "Exit code: 1 if any file is invalid (even when others could not be read), else 254 if any file "
                        + "could not be read or checked or an argument is bad, else 2 if any verdict is unknown, "
                        + "else 0."})
public final class CheckCommand implements Callable<Integer> {
    /** Warnings printed per file; the rest are counted. */
    private static final int WARNINGS_SHOWN_MAX = 10;

    private static final List<String> MODELS = List.of("kv", "register", "cas-register", "multi-register", "mutex", "set");

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "FILE",
            description = "History files, or - for standard input; the format comes from the extension or the content.")
    List<String> files;

    @Option(names = "--strict", description = "Refuse a file with warnings (duplicate fields or indices, times going "
            + "backward, a process reused after info, a kv operation without a key, an ok whose value differs from "
            + "its invoke's, an empty history) instead of checking it.")
    boolean strict;

    @Option(names = "--key", paramLabel = "KEY",
            description = "With --html: draw this key's timeline instead of the failing key's.")
    String key;

    @Option(names = "--time-axis", paramLabel = "AXIS", defaultValue = "order",
            description = "With --html: order (history order, the default) or time (the events' recorded time).")
    String timeAxis;

    /** Standard input, for FILE {@code -}; tests replace it. */
    java.io.InputStream stdin = System.in;

    @Option(names = "--model", paramLabel = "MODEL", defaultValue = "kv",
            description = "kv, register, cas-register, multi-register, mutex or set (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "60s", converter = DurationConverter.class,
            description = "Deadline per file with a unit, e.g. 500ms, 60s, 5m, 1h (at most 1000h); past it the "
                    + "verdict is unknown (default: ${DEFAULT-VALUE}).")
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
        int unreadable = 0;
        for (int i = 0; i < files.size(); i++) {
            String file = files.get(i);
            try {
                Verdict verdict = checkOne(file, settings, out, err, html == null ? null : page(i));
                counts.merge(verdict, 1, Integer::sum);
            } catch (IOException e) {
                unreadable++;
                unreadable(out, err, file, "cannot read: " + ioReason(file, e));
            } catch (HistoryFormatException e) {
                unreadable++;
                unreadable(out, err, file, e.getMessage());
            } catch (IllegalArgumentException e) {
                // ModelMismatchException and the set checker's refusals are IllegalArgumentExceptions.
                unreadable++;
                unreadable(out, err, file, e.getMessage());
            }
        }
        out.printf("%d file%s: %d valid, %d invalid, %d unknown%s%n", files.size(), files.size() == 1 ? "" : "s",
                counts.getOrDefault(Verdict.VALID, 0), counts.getOrDefault(Verdict.INVALID, 0),
                counts.getOrDefault(Verdict.UNKNOWN, 0), unreadable == 0 ? "" : ", " + unreadable + " not checked");
        out.flush();
        if (counts.containsKey(Verdict.INVALID)) {
            return TitanLab.EXIT_INVALID;
        }
        if (unreadable > 0 || pagesUnwritten > 0) {
            return TitanLab.EXIT_USAGE;
        }
        return counts.containsKey(Verdict.UNKNOWN) ? TitanLab.EXIT_UNKNOWN : TitanLab.EXIT_VALID;
    }

    /** A file that got no verdict: a line among the verdicts, and the reason on standard error. */
    private static void unreadable(PrintWriter out, PrintWriter err, String file, String message) {
        out.println(file + "  not checked  (see the error)");
        err.println("titan-lab: " + (message.startsWith(file) ? message : file + ": " + message));
    }

    /** Why a file cannot be read, in words: never an exception's class or a stack trace. */
    static String ioReason(String file, IOException e) {
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        if (!file.equals("-") && java.nio.file.Files.isDirectory(Path.of(file))) {
            return "is a directory";
        }
        String message = e.getMessage();
        return message == null || message.isBlank() ? "an I/O error" : message;
    }

    /** @param page where to write the HTML explanation, or null for none */
    private Verdict checkOne(String file, Settings settings, PrintWriter out, PrintWriter err, Path page)
            throws IOException, HistoryFormatException {
        boolean fromStdin = file.equals("-");
        Path name = Path.of(fromStdin ? "standard-input" : file);
        byte[] bytes = fromStdin ? stdin.readAllBytes() : java.nio.file.Files.readAllBytes(name);
        History history = HistoryFiles.read(fromStdin ? "-" : file, name, bytes);
        boolean edn = HistoryFiles.detect(name, new String(bytes, 0, Math.min(bytes.length, 256),
                java.nio.charset.StandardCharsets.UTF_8)) == HistoryFiles.Format.EDN;
        List<HistoryWarning> warnings = HistoryLint.check(history, model.equals("kv"), confirming());
        if (!warnings.isEmpty()) {
            if (strict) {
                HistoryWarning first = warnings.get(0);
                throw new HistoryFormatException(first.source(), first.line(), first.reason() + " (--strict"
                        + (warnings.size() > 1 ? "; " + (warnings.size() - 1) + " more warning"
                        + (warnings.size() == 2 ? "" : "s") : "") + ")");
            }
            warnings.stream().limit(WARNINGS_SHOWN_MAX).forEach(w -> err.println("titan-lab: warning: " + w));
            if (warnings.size() > WARNINGS_SHOWN_MAX) {
                err.println("titan-lab: warning: " + file + ": " + (warnings.size() - WARNINGS_SHOWN_MAX)
                        + " more warnings");
            }
            err.flush();
        }
        if (model.equals("set")) {
            long startNanos = System.nanoTime();
            SetResult result = SetChecker.check(history);
            out.printf("%s  %s  ops=%d  %d ms  %s%n", file, name(result.verdict()), history.operations().size(),
                    (System.nanoTime() - startNanos) / 1_000_000, result.summary());
            return result.verdict();
        }
        NilRead nil = settings.nilRead != null ? settings.nilRead : edn ? NilRead.UNKNOWN : NilRead.ABSENT;
        Model<?> checked = model(nil, settings.initial);
        CheckResult result = Linearizability.check(checked, history, settings.options);
        String line = String.format(Locale.ROOT, "%s  %s  ops=%d  partitions=%d  %d ms", file, name(result.verdict()),
                result.operationCount(), result.partitions().size(), result.elapsedNanos() / 1_000_000);
        out.println(result.verdict() == Verdict.VALID ? line : line + "  " + result.explanation());
        if (page != null) {
            writePage(result, history, checked, page, out);
        }
        return result.verdict();
    }

    /** Functions whose ok must repeat the invoke's value, for the models that say so. */
    private Set<String> confirming() {
        return switch (model) {
            case "kv", "register", "cas-register" -> HistoryLint.CONFIRMING_FUNCTIONS;
            default -> Set.of();
        };
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

    private void writePage(CheckResult result, History history, Model<?> checked, Path page, PrintWriter out) {
        try {
            HtmlReport.write(result, history, HtmlReport.Options.defaults().withModel(checked).withKey(key)
                    .withTimeAxis(timeAxis.equals("time") ? HtmlReport.TimeAxis.TIME : HtmlReport.TimeAxis.HISTORY_ORDER),
                    page);
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
        if (!timeAxis.equals("order") && !timeAxis.equals("time")) {
            throw usage("--time-axis must be order or time, not " + timeAxis);
        }
        if (files.stream().filter(f -> f.equals("-")).count() > 1) {
            throw usage("standard input (-) can be read only once");
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
