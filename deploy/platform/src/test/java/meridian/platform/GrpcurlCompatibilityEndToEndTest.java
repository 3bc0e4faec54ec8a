package meridian.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import com.google.protobuf.ByteString;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.DescriptorValidationException;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;

import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor.Marshaller;
import io.grpc.MethodDescriptor.MethodType;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.reflection.v1.ServiceResponse;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;

/**
 * What grpcurl does, with nothing compiled in: list the services over server reflection, fetch their file
 * descriptors, build requests from JSON and the descriptors alone, and call unary and server-streaming methods.
 */
class GrpcurlCompatibilityEndToEndTest extends PlatformEndToEndTest {

    @Test
    void everyServiceIsListedOverReflectionV1AndV1alpha() {
        for (String service : LocalPlatform.SERVICES) {
            ManagedChannel channel = running.channel(service);
            try {
                List<String> v1 = reflect(channel, ServerReflectionRequest.newBuilder().setListServices("").build()).stream()
                        .flatMap(r -> r.getListServicesResponse().getServiceList().stream()).map(ServiceResponse::getName)
                        .toList();
                assertThat(v1).contains("meridian." + service + ".v1." + capitalized(service) + "Service",
                        "grpc.health.v1.Health");
                assertThat(listV1alpha(channel)).containsAll(v1.stream().filter(s -> s.startsWith("meridian.")).toList());
            } finally {
                channel.shutdownNow();
            }
        }
    }

    @Test
    void unaryAndServerStreamingCallsBuiltFromReflectedDescriptorsOnly() throws Exception {
        Fixtures f = new Fixtures(inventory, pricing);
        String sku = f.sku("PEN");
        f.receive(sku, 4);
        ServiceDescriptor service = reflectService(inventory, "meridian.inventory.v1.InventoryService");

        // grpcurl -d '{"name": "..."}' localhost:PORT meridian.inventory.v1.InventoryService/GetStockLevel
        DynamicMessage level = unary(inventory, service.findMethodByName("GetStockLevel"),
                "{\"name\":\"locations/" + f.location + "/stockLevels/" + sku + "\"}");
        String json = JsonFormat.printer().print(level);
        assertThat(json).contains("\"onHand\": \"4\"").contains("\"sku\": \"" + sku + "\"");

        // grpcurl -d '{"locationIds": [...]}' ... /WatchStockLevels, then a change arrives on the stream
        MethodDescriptor watch = service.findMethodByName("WatchStockLevels");
        LinkedBlockingQueue<DynamicMessage> received = new LinkedBlockingQueue<>();
        Context.CancellableContext context = Context.current().withCancellation();
        CompletableFuture<Void> ended = new CompletableFuture<>();
        context.run(() -> ClientCalls.asyncServerStreamingCall(inventory.newCall(grpcMethod(watch), CallOptions.DEFAULT),
                parse(watch.getInputType(), "{\"locationIds\":[\"" + f.location + "\"]}"), new StreamObserver<>() {
                    @Override
                    public void onNext(DynamicMessage value) {
                        received.add(value);
                    }

                    @Override
                    public void onError(Throwable t) {
                        ended.completeExceptionally(t);
                    }

                    @Override
                    public void onCompleted() {
                        ended.complete(null);
                    }
                }));
        try {
            TimeUnit.MILLISECONDS.sleep(500);
            f.receive(sku, 3);
            DynamicMessage change = received.poll(20, TimeUnit.SECONDS);
            assertThat(change).as("a change on the reflected stream").isNotNull();
            assertThat(JsonFormat.printer().print(change)).contains("STOCK_CHANGE_KIND_ADJUSTED").contains("\"onHand\": \"7\"");
        } finally {
            context.cancel(null);
        }
    }

    private static DynamicMessage unary(ManagedChannel channel, MethodDescriptor method, String json) {
        return ClientCalls.blockingUnaryCall(channel, grpcMethod(method), CallOptions.DEFAULT.withDeadlineAfter(10,
                TimeUnit.SECONDS), parse(method.getInputType(), json));
    }

    private static DynamicMessage parse(Descriptor type, String json) {
        DynamicMessage.Builder builder = DynamicMessage.newBuilder(type);
        try {
            JsonFormat.parser().merge(json, builder);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException(e);
        }
        return builder.build();
    }

    private static io.grpc.MethodDescriptor<DynamicMessage, DynamicMessage> grpcMethod(MethodDescriptor method) {
        MethodType type = method.isClientStreaming()
                ? (method.isServerStreaming() ? MethodType.BIDI_STREAMING : MethodType.CLIENT_STREAMING)
                : (method.isServerStreaming() ? MethodType.SERVER_STREAMING : MethodType.UNARY);
        return io.grpc.MethodDescriptor.<DynamicMessage, DynamicMessage>newBuilder().setType(type)
                .setFullMethodName(io.grpc.MethodDescriptor.generateFullMethodName(method.getService().getFullName(),
                        method.getName()))
                .setRequestMarshaller(marshaller(method.getInputType()))
                .setResponseMarshaller(marshaller(method.getOutputType())).build();
    }

    private static Marshaller<DynamicMessage> marshaller(Descriptor type) {
        return new Marshaller<>() {
            @Override
            public InputStream stream(DynamicMessage value) {
                return new ByteArrayInputStream(value.toByteArray());
            }

            @Override
            public DynamicMessage parse(InputStream stream) {
                try {
                    return DynamicMessage.parseFrom(type, stream);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        };
    }

    /** The service's descriptor, rebuilt from the file descriptors the server sends for its symbol. */
    private static ServiceDescriptor reflectService(ManagedChannel channel, String name) throws DescriptorValidationException {
        Map<String, FileDescriptorProto> protos = new HashMap<>();
        List<ServerReflectionResponse> responses = reflect(channel,
                ServerReflectionRequest.newBuilder().setFileContainingSymbol(name).build());
        for (ServerReflectionResponse response : responses) {
            for (ByteString bytes : response.getFileDescriptorResponse().getFileDescriptorProtoList()) {
                try {
                    FileDescriptorProto proto = FileDescriptorProto.parseFrom(bytes);
                    protos.put(proto.getName(), proto);
                } catch (InvalidProtocolBufferException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        Map<String, FileDescriptor> built = new HashMap<>();
        for (FileDescriptorProto proto : protos.values()) {
            FileDescriptor file = build(proto, protos, built);
            ServiceDescriptor service = file.findServiceByName(name.substring(name.lastIndexOf('.') + 1));
            if (service != null && service.getFullName().equals(name)) {
                return service;
            }
        }
        throw new IllegalStateException("reflection did not describe " + name);
    }

    private static FileDescriptor build(FileDescriptorProto proto, Map<String, FileDescriptorProto> protos,
            Map<String, FileDescriptor> built) throws DescriptorValidationException {
        FileDescriptor done = built.get(proto.getName());
        if (done != null) {
            return done;
        }
        List<FileDescriptor> dependencies = new ArrayList<>();
        for (String dependency : proto.getDependencyList()) {
            FileDescriptorProto dep = protos.get(dependency);
            assertThat(dep).as("reflection sent dependency %s", dependency).isNotNull();
            dependencies.add(build(dep, protos, built));
        }
        FileDescriptor file = FileDescriptor.buildFrom(proto, dependencies.toArray(FileDescriptor[]::new));
        built.put(proto.getName(), file);
        return file;
    }

    private static List<ServerReflectionResponse> reflect(ManagedChannel channel, ServerReflectionRequest request) {
        List<ServerReflectionResponse> responses = new ArrayList<>();
        CompletableFuture<Void> done = new CompletableFuture<>();
        StreamObserver<ServerReflectionRequest> requests = ServerReflectionGrpc.newStub(channel)
                .serverReflectionInfo(new StreamObserver<>() {
                    @Override
                    public void onNext(ServerReflectionResponse value) {
                        responses.add(value);
                    }

                    @Override
                    public void onError(Throwable t) {
                        done.completeExceptionally(t);
                    }

                    @Override
                    public void onCompleted() {
                        done.complete(null);
                    }
                });
        requests.onNext(request);
        requests.onCompleted();
        done.orTimeout(10, TimeUnit.SECONDS).join();
        return responses;
    }

    private static List<String> listV1alpha(ManagedChannel channel) {
        List<String> names = new ArrayList<>();
        CompletableFuture<Void> done = new CompletableFuture<>();
        StreamObserver<io.grpc.reflection.v1alpha.ServerReflectionRequest> requests = io.grpc.reflection.v1alpha.ServerReflectionGrpc
                .newStub(channel).serverReflectionInfo(new StreamObserver<>() {
                    @Override
                    public void onNext(io.grpc.reflection.v1alpha.ServerReflectionResponse value) {
                        value.getListServicesResponse().getServiceList().forEach(s -> names.add(s.getName()));
                    }

                    @Override
                    public void onError(Throwable t) {
                        done.completeExceptionally(t);
                    }

                    @Override
                    public void onCompleted() {
                        done.complete(null);
                    }
                });
        requests.onNext(io.grpc.reflection.v1alpha.ServerReflectionRequest.newBuilder().setListServices("").build());
        requests.onCompleted();
        done.orTimeout(10, TimeUnit.SECONDS).join();
        return names;
    }

    private static String capitalized(String s) {
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

}
