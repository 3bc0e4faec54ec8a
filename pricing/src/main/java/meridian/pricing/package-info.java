/** Pricing service: exact prices with tiers and promotions, binding quotes, the price change stream. */
package meridian.pricing;
