package titan.sim;

import titan.node.storage.LogStore;
import titan.node.storage.LogStoreContract;

/** The {@link LogStore} contract for {@link SimDisk}; a restart without a crash keeps every write. */
class SimDiskLogStoreTest extends LogStoreContract {
    @Override
    protected LogStore newStore() {
        return new SimDisk("contract");
    }

    @Override
    protected LogStore reopen(LogStore store) {
        store.close();
        return store;
    }
}
