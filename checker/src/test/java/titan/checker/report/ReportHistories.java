package titan.checker.report;

import java.net.URISyntaxException;
import java.nio.file.Path;
import titan.checker.CheckResult;
import titan.checker.Linearizability;
import titan.checker.history.History;
import titan.checker.history.HistoryFiles;
import titan.checker.model.CasRegisterModel;

/** Histories the report tests share, checked the way their sources check them. */
final class ReportHistories {
    /** A history and its result. */
    record Checked(History history, CheckResult result) {}

    private ReportHistories() {}

    /**
     * Knossos's cas-failure.edn, checked as Knossos's tests check it ({@code (cas-register 0)}, a nil
     * read is unknown): invalid, process 70 reads 0 where the register holds 2.
     */
    static Checked casFailure() throws Exception {
        History history = HistoryFiles.read(resource("/knossos/data/cas-register/bad/cas-failure.edn"));
        return new Checked(history, Linearizability.check(CasRegisterModel.knossos(0L), history));
    }

    static Path resource(String name) {
        try {
            return Path.of(ReportHistories.class.getResource(name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
