package vn.edocaxis.edxml;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class StartTagGuardTest {

    /** Where the guard stops (index of the '=' over the limit), fed in slices of {@code slice} bytes; -1 if it never does. */
    private static int stop(String xml, int max, int slice) {
        byte[] bytes = xml.getBytes(StandardCharsets.UTF_8);
        StartTagGuard guard = new StartTagGuard(max);
        for (int off = 0; off < bytes.length; off += slice) {
            int at = guard.scan(bytes, off, Math.min(slice, bytes.length - off));
            if (at >= 0) {
                return at;
            }
        }
        return -1;
    }

    private static int stopEverySlicing(String xml, int max) {
        int whole = stop(xml, max, Integer.MAX_VALUE);
        for (int slice : new int[] {1, 2, 3, 7, 8, 9, 64}) {
            assertThat(stop(xml, max, slice)).as("fed %d bytes at a time", slice).isEqualTo(whole);
        }
        return whole;
    }

    @Test
    void countsTheAttributesOfEachStartTagAndStopsAtTheFirstOverTheLimit() {
        assertThat(stopEverySlicing("<a x='1' y=\"2\" z='3'/><b x='1' y='2' z='3'></b>", 3)).isEqualTo(-1);
        String four = "<a><b p='1' q='2' r='3' s='4'/></a>";
        assertThat(stopEverySlicing(four, 3)).isEqualTo(four.indexOf("s=") + 1);
        assertThat(stopEverySlicing(four, 4)).isEqualTo(-1);
        // namespace declarations are attributes too, and spaces around '=' are allowed
        String ns = "<e:a xmlns:e = 'u' xmlns='v' e:x='1'/>";
        assertThat(stopEverySlicing(ns, 2)).isEqualTo(ns.lastIndexOf('='));
    }

    @Test
    void anEqualsSignOutsideAStartTagsMarkupIsNotAnAttribute() {
        String[] documents = {
            "<a>x=1 y=2 z=3 &amp; 1>0 = = =</a>",
            "<a v='a=b=c&gt;d' w=\"e='f'=g>\"/>",
            "<a><!-- <b x='1' y='2' z='3'> -- > = = = --></a>",
            "<a><!-- - = -- = ->= ---><b/></a>",
            "<a><![CDATA[<b x='1' y='2' z='3'/> ]] > ]>= = =]]></a>",
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><?pi a=1 b=2 c=3 > d=4 ?><a/>",
            "<a></a   ><a/>",
            "<a>é=ü=ö=ß<b x='ø=å'/>😀=😀=😀</a>",
        };
        for (String xml : documents) {
            assertThat(stopEverySlicing(xml, 2)).as(xml).isEqualTo(-1);
        }
        // markup that ends is left behind: the start tag after it is counted again
        String after = "<a><!-- x --><![CDATA[ y ]]><?p q?><b r='1' s='2' t='3'/></a>";
        assertThat(stopEverySlicing(after, 2)).isEqualTo(after.indexOf("t=") + 1);
    }
}
