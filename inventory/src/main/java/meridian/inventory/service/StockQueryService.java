package meridian.inventory.service;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import com.google.rpc.BadRequest;

import meridian.conventions.errors.ServiceException;
import meridian.conventions.paging.PageTokens;
import meridian.inventory.persistence.LedgerRepository;
import meridian.inventory.persistence.ReservationEntity;
import meridian.inventory.persistence.StockKey;
import meridian.inventory.persistence.StockLevelEntity;
import meridian.inventory.v1.ListStockLevelsResponse;
import meridian.inventory.v1.Reservation;
import meridian.inventory.v1.StockLevel;

/** Reads of stock levels and reservations. */
@ApplicationScoped
public class StockQueryService {

    private static final String ALL_LOCATIONS = "-";

    private final LedgerRepository ledger;

    StockQueryService(LedgerRepository ledger) {
        this.ledger = ledger;
    }

    @Transactional
    public StockLevel get(StockKey key) {
        StockLevelEntity found = StockLevelEntity.findById(new StockLevelEntity.Id(key.locationId(), key.sku()));
        if (found == null) {
            throw ServiceException.notFound(ContractMessages.stockLevelName(key));
        }
        return ContractMessages.stockLevel(found);
    }

    /** All in the order asked, or NOT_FOUND naming every unknown one; one snapshot-consistent read. */
    @Transactional
    public List<StockLevel> batchGet(List<StockKey> keys) {
        Map<StockKey, StockLevelEntity> found = new HashMap<>();
        // One query over the locations x SKUs asked, narrowed to the exact pairs here.
        StockLevelEntity.<StockLevelEntity>list("id.locationId in ?1 and id.sku in ?2",
                keys.stream().map(StockKey::locationId).distinct().toList(),
                keys.stream().map(StockKey::sku).distinct().toList())
                .forEach(s -> found.put(new StockKey(s.id.locationId(), s.id.sku()), s));
        found.keySet().retainAll(keys);
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
        long head = ledger.head();
        List<StockLevelEntity> page = StockLevelEntity.page(ALL_LOCATIONS.equals(locationId) ? null : locationId,
                skuPrefix, after.isEmpty() ? null : new StockKey(after.get(0), after.get(1)), size + 1);
        ListStockLevelsResponse.Builder response = ListStockLevelsResponse.newBuilder()
                .setWatchCursor(ContractMessages.CURSORS.encode(head));
        page.stream().limit(size).map(ContractMessages::stockLevel).forEach(response::addStockLevels);
        if (page.size() > size) {
            StockLevelEntity last = page.get(size - 1);
            response.setNextPageToken(PageTokens.encode(query, List.of(last.id.locationId(), last.id.sku())));
        }
        return response.build();
    }

    @Transactional
    public Reservation reservation(UUID id) {
        ReservationEntity found = ReservationEntity.findById(id);
        if (found == null) {
            throw ServiceException.notFound(ContractMessages.reservationName(id));
        }
        return ContractMessages.reservation(found.toRecord());
    }
}
