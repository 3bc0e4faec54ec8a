/** Orders service: the order placement saga across pricing and inventory, order events, backorders. */
package meridian.orders;
