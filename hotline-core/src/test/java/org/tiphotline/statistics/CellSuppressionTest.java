package org.tiphotline.statistics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The small-cell rule on hand-made tables, then on many random ones against the rule's own promises. */
class CellSuppressionTest {

    private static final int THRESHOLD = 10;

    @Test
    void aSmallCellTakesAComplementInItsRowAndColumn() {
        long[][] grid = {
            {5, 20, 25},
            {30, 40, 70},
            {35, 60, 95}};
        boolean[][] withheld = CellSuppression.suppress(grid, THRESHOLD);
        // 5 alone would be 25 - 20; its row gives up 20, their columns 30 and 40, and the totals stay published.
        assertThat(withheld).isDeepEqualTo(new boolean[][] {
            {true, true, false},
            {true, true, false},
            {false, false, false}});
    }

    @Test
    void theComplementIsTheSmallestNonZeroCell() {
        long[][] grid = {
            {3, 0, 50, 12, 65},
            {20, 0, 50, 12, 82},
            {23, 0, 100, 24, 147}};
        boolean[][] withheld = CellSuppression.suppress(grid, THRESHOLD);
        assertThat(withheld[0][0]).isTrue();
        assertThat(withheld[0][3]).as("12, the smallest non-zero, rather than the 0 beside it").isTrue();
        assertThat(withheld[0][1]).isFalse();
        assertThat(withheld[0][2]).isFalse();
        assertOnlyTwoOrMoreWithheldPerLine(grid, withheld);
    }

    @Test
    void aSmallTotalIsWithheldAndNotRecomputableFromTheOtherTotals() {
        long[][] grid = {
            {3, 4, 7},
            {20, 30, 50},
            {23, 34, 57}};
        boolean[][] withheld = CellSuppression.suppress(grid, THRESHOLD);
        assertThat(withheld[0][2]).as("the row total 7").isTrue();
        // 7 would be 57 - 50: the other row total must go too.
        assertThat(withheld[1][2]).isTrue();
        assertThat(withheld[2][2]).as("the grand total is large and can stay").isFalse();
        assertOnlyTwoOrMoreWithheldPerLine(grid, withheld);
    }

    @Test
    void inAOneColumnTableTheRowTotalsGoWithTheirCells() {
        long[][] grid = {
            {4, 4},
            {15, 15},
            {19, 19}};
        boolean[][] withheld = CellSuppression.suppress(grid, THRESHOLD);
        // A row total equals its one cell: withholding the cell withholds the total too.
        assertThat(withheld).isDeepEqualTo(new boolean[][] {{true, true}, {true, true}, {false, false}});
        assertOnlyTwoOrMoreWithheldPerLine(grid, withheld);
    }

    @Test
    void entriesWithheldBeforehandStayWithheldAndTakeComplements() {
        long[][] grid = {
            {50, 20, 70},
            {30, 40, 70},
            {80, 60, 140}};
        boolean[][] forced = new boolean[3][3];
        forced[2][1] = true;
        boolean[][] withheld = CellSuppression.suppress(grid, THRESHOLD, forced);
        assertThat(withheld[2][1]).isTrue();
        assertOnlyTwoOrMoreWithheldPerLine(grid, withheld);
    }

    @Test
    void onRandomTablesNoSmallCountIsPublishedAndNoWithheldEntryIsAloneInItsLine() {
        Random random = new Random(20261122);
        for (int t = 0; t < 2000; t++) {
            int rows = 1 + random.nextInt(8);
            int columns = 1 + random.nextInt(6);
            long[][] grid = new long[rows + 1][columns + 1];
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < columns; c++) {
                    int kind = random.nextInt(4);
                    grid[r][c] = kind == 0 ? 0 : kind == 1 ? 1 + random.nextInt(THRESHOLD - 1)
                            : random.nextInt(200);
                    grid[r][columns] += grid[r][c];
                    grid[rows][c] += grid[r][c];
                    grid[rows][columns] += grid[r][c];
                }
            }
            boolean[][] withheld = CellSuppression.suppress(grid, THRESHOLD);
            for (int r = 0; r <= rows; r++) {
                for (int c = 0; c <= columns; c++) {
                    if (grid[r][c] > 0 && grid[r][c] < THRESHOLD) {
                        assertThat(withheld[r][c]).as("table %d, entry %d,%d", t, r, c).isTrue();
                    }
                }
            }
            assertOnlyTwoOrMoreWithheldPerLine(grid, withheld);
        }
    }

    /** The rule's promise: a line (its cells and total) never holds exactly one withheld entry. */
    static void assertOnlyTwoOrMoreWithheldPerLine(long[][] grid, boolean[][] withheld) {
        for (int r = 0; r < grid.length; r++) {
            int n = 0;
            for (int c = 0; c < grid[r].length; c++) {
                n += withheld[r][c] ? 1 : 0;
            }
            assertThat(n).as("withheld entries in row %d", r).isNotEqualTo(1);
        }
        for (int c = 0; c < grid[0].length; c++) {
            int n = 0;
            for (int r = 0; r < grid.length; r++) {
                n += withheld[r][c] ? 1 : 0;
            }
            assertThat(n).as("withheld entries in column %d", c).isNotEqualTo(1);
        }
    }
}
