package titan.lab.workload;

/**
 * One operation a workload asks for, in the history's terms: {@code f} ({@code read}, {@code write},
 * {@code cas}, {@code append}, {@code add}), the key, and the invoke's value (a cas is
 * {@code [expected, new]}, a read's is null).
 */
public record Op(String f, String key, Object value) {}
