/** Inventory service: stock per SKU per location, reservations, the stock ledger and its watch stream. */
package meridian.inventory;
