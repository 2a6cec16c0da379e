/**
 * Reports of checker results for people: {@link titan.checker.report.HtmlReport} renders a
 * self-contained HTML page that explains a {@link titan.checker.CheckResult} with a timeline of
 * the failing partition.
 */
package titan.checker.report;
