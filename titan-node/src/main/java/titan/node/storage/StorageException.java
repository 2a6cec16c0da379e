package titan.node.storage;

/**
 * Storage failed: an I/O error or unreadable data. The node must stop: after a failed write any
 * prefix of it may be on disk, so a retry could not know what it repeats (etcd's rule).
 */
public class StorageException extends RuntimeException {
    public StorageException(String message) {
        super(message);
    }

    public StorageException(String message, Throwable cause) {
        super(message, cause);
    }
}
