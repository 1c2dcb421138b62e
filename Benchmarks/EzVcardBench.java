// Reference for the parse benchmark: ez-vcard (Debian libez-vcard-java) parsing the same
// file that `leadgate bench parse` reads. Prints the median of RUNS timed runs after WARMUPS
// untimed ones (default 2). Usage: EzVcardBench FILE [RUNS] [WARMUPS]
import ezvcard.Ezvcard;
import ezvcard.VCard;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.List;

public class EzVcardBench {
    public static void main(String[] args) throws Exception {
        byte[] bytes = Files.readAllBytes(Paths.get(args[0]));
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        int warmups = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        String text = new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
        // Warm the JIT so the reference is measured at its best, not while compiling.
        for (int i = 0; i < warmups; i++) Ezvcard.parse(text).all();
        double[] seconds = new double[runs];
        int cards = 0;
        for (int i = 0; i < runs; i++) {
            long start = System.nanoTime();
            List<VCard> all = Ezvcard.parse(text).all();
            seconds[i] = (System.nanoTime() - start) / 1e9;
            cards = all.size();
        }
        Arrays.sort(seconds);
        System.out.printf("ez-vcard cards=%d median_s=%.4f runs=%s%n", cards, seconds[runs / 2], Arrays.toString(seconds));
    }
}
