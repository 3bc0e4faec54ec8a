package meridian.inventory.service;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import com.google.rpc.BadRequest;

import meridian.conventions.errors.ServiceException;
import meridian.conventions.paging.PageTokens;
import meridian.conventions.watch.LogPosition;
import meridian.inventory.persistence.LedgerRepository;
import meridian.inventory.persistence.ReservationRepository;
import meridian.inventory.persistence.StockKey;
import meridian.inventory.persistence.StockLevelRepository;
import meridian.inventory.persistence.StockLevelRow;
import meridian.inventory.v1.ListStockLevelsResponse;
import meridian.inventory.v1.Reservation;
import meridian.inventory.v1.StockLevel;

/**
 * Reads of stock levels and reservations. GetStockLevel and BatchGet are single plain statements without a
 * transaction (measured paths); the listing and GetReservation read entities, in a transaction.
 */
@ApplicationScoped
public class StockQueryService {

    private static final String ALL_LOCATIONS = "-";

    private final StockLevelRepository stock;
    private final ReservationRepository reservations;
    private final LedgerRepository ledger;

    StockQueryService(StockLevelRepository stock, ReservationRepository reservations, LedgerRepository ledger) {
        this.stock = stock;
        this.reservations = reservations;
        this.ledger = ledger;
    }

    public StockLevel get(StockKey key) {
        return ContractMessages.stockLevel(stock.get(key)
                .orElseThrow(() -> ServiceException.notFound(ContractMessages.stockLevelName(key))));
    }

    /** All in the order asked, or NOT_FOUND naming every unknown one; one snapshot-consistent read. */
    public List<StockLevel> batchGet(List<StockKey> keys) {
        Map<StockKey, StockLevelRow> found = stock.get(keys);
        List<BadRequest.FieldViolation> unknown = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            if (!found.containsKey(keys.get(i))) {
                unknown.add(ServiceException.fieldViolation("names[" + i + "]",
                        ContractMessages.stockLevelName(keys.get(i)) + " does not exist"));
            }
        }
        if (!unknown.isEmpty()) {
            StockKey first = keys.stream().filter(k -> !found.containsKey(k)).findFirst().orElseThrow();
            throw ServiceException.notFound(ContractMessages.stockLevelName(first))
                    .withDetail(BadRequest.newBuilder().addAllFieldViolations(unknown).build());
        }
        return keys.stream().map(k -> ContractMessages.stockLevel(found.get(k))).toList();
    }

    /**
     * One page ordered by location then SKU. The watch cursor is the ledger head read before the
     * page, so a watcher starting there after a full listing misses nothing.
     */
    @Transactional
    public ListStockLevelsResponse list(String parent, int pageSize, String pageToken, String skuPrefix) {
        List<String> query = List.of(parent, skuPrefix);
        List<String> after = PageTokens.decode(pageToken, query, 2);
        int size = PageTokens.pageSize(pageSize);
        String locationId = parent.substring("locations/".length());
        LogPosition head = ledger.head();
        List<StockLevelRow> page = stock.page(ALL_LOCATIONS.equals(locationId) ? null : locationId,
                skuPrefix, after.isEmpty() ? null : new StockKey(after.get(0), after.get(1)), size + 1);
        ListStockLevelsResponse.Builder response = ListStockLevelsResponse.newBuilder()
                .setWatchCursor(ContractMessages.CURSORS.encode(head));
        page.stream().limit(size).map(ContractMessages::stockLevel).forEach(response::addStockLevels);
        if (page.size() > size) {
            StockKey last = page.get(size - 1).key();
            response.setNextPageToken(PageTokens.encode(query, List.of(last.locationId(), last.sku())));
        }
        return response.build();
    }

    @Transactional
    public Reservation reservation(UUID id) {
        return ContractMessages.reservation(reservations.get(id)
                .orElseThrow(() -> ServiceException.notFound(ContractMessages.reservationName(id))));
    }
}
