// Reference for the parse benchmark: ez-vcard (Debian libez-vcard-java) parsing the same
// file that `leadgate bench parse` reads. Prints the median of RUNS timed runs after WARMUPS
// warm-up ones (default 2), and the first warm-up on its own (a fresh JVM's one-off parse).
// Usage: EzVcardBench FILE|FOLDER [RUNS] [WARMUPS]
import ezvcard.Ezvcard;
import ezvcard.VCard;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.List;

public class EzVcardBench {
    public static void main(String[] args) throws Exception {
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        int warmups = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        java.nio.file.Path path = Paths.get(args[0]);
        if (Files.isDirectory(path)) {
            // A folder: read and parse each file, as an import does (sorted, one level deep).
            List<java.nio.file.Path> files;
            try (java.util.stream.Stream<java.nio.file.Path> listing = Files.list(path)) {
                files = listing.filter(Files::isRegularFile).sorted().collect(java.util.stream.Collectors.toList());
            }
            // The first pass in this fresh JVM is timed too: what a one-off parse of the
            // folder needs, JIT compilation included (JVM start excluded).
            double first = -1;
            for (int i = 0; i < warmups; i++) {
                long start = System.nanoTime();
                parseFiles(files);
                if (i == 0) first = (System.nanoTime() - start) / 1e9;
            }
            double[] seconds = new double[runs];
            int cards = 0;
            for (int i = 0; i < runs; i++) {
                long start = System.nanoTime();
                cards = parseFiles(files);
                seconds[i] = (System.nanoTime() - start) / 1e9;
            }
            Arrays.sort(seconds);
            System.out.printf("ez-vcard files=%d cards=%d median_s=%.4f first_s=%.4f runs=%s%n", files.size(), cards, seconds[runs / 2], first, Arrays.toString(seconds));
            return;
        }
        byte[] bytes = Files.readAllBytes(path);
        String text = new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
        // Warm the JIT so the reference is measured at its best, not while compiling.
        double first = -1;
        for (int i = 0; i < warmups; i++) {
            long start = System.nanoTime();
            Ezvcard.parse(text).all();
            if (i == 0) first = (System.nanoTime() - start) / 1e9;
        }
        double[] seconds = new double[runs];
        int cards = 0;
        for (int i = 0; i < runs; i++) {
            long start = System.nanoTime();
            List<VCard> all = Ezvcard.parse(text).all();
            seconds[i] = (System.nanoTime() - start) / 1e9;
            cards = all.size();
        }
        Arrays.sort(seconds);
        System.out.printf("ez-vcard cards=%d median_s=%.4f first_s=%.4f runs=%s%n", cards, seconds[runs / 2], first, Arrays.toString(seconds));
    }

    static int parseFiles(List<java.nio.file.Path> files) throws Exception {
        int cards = 0;
        for (java.nio.file.Path file : files) {
            String text = new String(Files.readAllBytes(file), java.nio.charset.StandardCharsets.UTF_8);
            cards += Ezvcard.parse(text).all().size();
        }
        return cards;
    }
}
