import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;

/**
 * DynamoDB Local (1.25.1) listening on one address only. Its command line has no option for the
 * address: its Jetty server binds every interface. This starts it exactly as its own main class
 * does (ServerRunner.createServerFromCommandLineArgs, then start), after setting the host of the
 * server's connector. Everything is reached by reflection, so it compiles without the jar.
 *
 * Usage: java -cp DynamoDBLocal.jar:<this class> LoopbackDynamoDbLocal -host 127.0.0.1 <DynamoDB Local options>
 */
public final class LoopbackDynamoDbLocal {
  public static void main(String[] args) throws Exception {
    String host = "127.0.0.1";
    List<String> rest = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("-host") && i + 1 < args.length) {
        host = args[++i];
      } else {
        rest.add(args[i]);
      }
    }
    Class<?> runner = Class.forName("com.amazonaws.services.dynamodbv2.local.main.ServerRunner");
    Object proxy = runner
        .getMethod("createServerFromCommandLineArgs", String[].class)
        .invoke(null, (Object) rest.toArray(new String[0]));
    Field field = proxy.getClass().getDeclaredField("server");
    field.setAccessible(true);
    Object jetty = field.get(proxy);
    for (Object connector : (Object[]) jetty.getClass().getMethod("getConnectors").invoke(jetty)) {
      connector.getClass().getMethod("setHost", String.class).invoke(connector, host);
    }
    proxy.getClass().getMethod("start").invoke(proxy);
  }
}
