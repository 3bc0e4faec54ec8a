package meridian.pricing.bench;

import meridian.conventions.idempotency.RequestFingerprint;
import meridian.conventions.validation.RequestValidator;
import meridian.pricing.PricingClient;
import meridian.pricing.v1.QuotePricesRequest;

/** Manual micro-measurement (not a test) of the per-line costs of QuotePrices. */
public final class PerLineCost {
    public static void main(String[] args) {
        RequestValidator validator = new RequestValidator();
        QuotePricesRequest request = PricingClient.quoteRequest(java.util.UUID.randomUUID().toString(), "EUR",
                PricingClient.line("BENCH-1", 7));
        for (int round = 0; round < 3; round++) {
            int n = 200_000;
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                validator.violations(request);
            }
            long t1 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                validator.violations(request.getLine());
            }
            long t2 = System.nanoTime();
            RequestFingerprint fp = RequestFingerprint.stream();
            for (int i = 0; i < n; i++) {
                fp.add(request);
            }
            long t3 = System.nanoTime();
            System.out.printf("per line: validate request %.2f us, validate line %.2f us, fingerprint %.2f us%n",
                    (t1 - t0) / 1e3 / n, (t2 - t1) / 1e3 / n, (t3 - t2) / 1e3 / n);
        }
    }
}
