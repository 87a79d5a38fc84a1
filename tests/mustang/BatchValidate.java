// Validates every file named on the command line with Mustang in one JVM (the
// per-file CLI pays the JVM start and the Schematron compilation each time) and
// prints one report per file between markers: a file's report is Mustang's XML.
import org.mustangproject.validator.ZUGFeRDValidator;

public class BatchValidate {
    public static void main(String[] args) {
        for (String file : args) {
            ZUGFeRDValidator validator = new ZUGFeRDValidator();
            validator.disableNotices();
            String report = validator.validate(file);
            System.out.println("=====BEGIN " + file);
            System.out.println(report);
            System.out.println("=====VALID " + validator.wasCompletelyValid());
            System.out.println("=====END " + file);
        }
    }
}
