package meridian.inventory.grpc;

import meridian.inventory.service.ContractMessages;

/** The ledger sequence behind a cursor, for tests that drive retention. */
final class ContractMessagesAccess {

    private ContractMessagesAccess() {
    }

    static long sequence(String cursor) {
        return ContractMessages.CURSORS.decode(cursor, "cursor");
    }
}
