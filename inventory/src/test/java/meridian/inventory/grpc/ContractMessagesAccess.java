package meridian.inventory.grpc;

import meridian.conventions.watch.LogPosition;
import meridian.inventory.service.ContractMessages;

/** The ledger position behind a cursor, for tests that drive retention. */
final class ContractMessagesAccess {

    private ContractMessagesAccess() {
    }

    static LogPosition position(String cursor) {
        return ContractMessages.CURSORS.decodePosition(cursor, "cursor");
    }
}
