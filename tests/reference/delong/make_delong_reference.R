# Independent reference values for statreport.delong (DeLong's AUC variance,
# confidence interval and paired test), computed by R's pROC. Run from the
# repository root:
#
#   Rscript tests/reference/delong/make_delong_reference.R
#
# Writes, into tests/reference/delong/, for each case below:
#   <case>.csv   the outcome y (1 = case) and the score columns, every number
#                with 17 significant digits, so that Python reads the very
#                doubles pROC used (jsonlite's digits = NA keeps only 15);
#   <case>.json  pROC's results: per score auc, var(roc, method = "delong") and
#                ci.auc(method = "delong") at 0.95 and 0.90; per pair of scores
#                roc.test(method = "delong", paired = TRUE): the two AUCs, Z and
#                p.value; and every warning pROC gave.
# Every ROC curve is roc(y, score, levels = c(0, 1), direction = "<"): controls
# (y = 0) score lower than cases (y = 1), never auto-detected.
#
# Requires R with pROC, MASS and jsonlite
# (Debian: apt-get install r-base-core r-cran-proc r-cran-mass r-cran-jsonlite).

suppressPackageStartupMessages({
  library(pROC)
  library(MASS)
  library(jsonlite)
})

script_arg <- grep("^--file=", commandArgs(trailingOnly = FALSE), value = TRUE)
if (length(script_arg) == 1) {
  script_dir <- dirname(normalizePath(sub("^--file=", "", script_arg)))
  setwd(normalizePath(file.path(script_dir, "..", "..", "..")))
}
out_dir <- file.path("tests", "reference", "delong")
stopifnot(dir.exists(out_dir))

LEVELS <- c(0.95, 0.90)

fitted_glm <- function(formula, data) {
  unname(fitted(glm(formula, family = binomial, data = data)))
}

# The value of `expr` and the messages of the warnings it gave.
with_warnings <- function(expr) {
  messages <- character(0)
  value <- withCallingHandlers(expr, warning = function(w) {
    messages <<- c(messages, conditionMessage(w))
    invokeRestart("muffleWarning")
  })
  list(value = value, warnings = messages)
}

make_roc <- function(y, score) {
  roc(response = y, predictor = score, levels = c(0, 1), direction = "<", quiet = TRUE)
}

score_reference <- function(y, name, score, how) {
  r <- make_roc(y, score)
  variance <- with_warnings(var(r, method = "delong"))
  intervals <- lapply(LEVELS, function(level) {
    ci <- with_warnings(ci.auc(r, method = "delong", conf.level = level))
    list(level = level, ci_low = ci$value[[1]], ci_mid = ci$value[[2]],
         ci_high = ci$value[[3]], warnings = I(ci$warnings))
  })
  list(name = name, how = how, n_cases = length(r$cases), n_controls = length(r$controls),
       auc = as.numeric(r$auc), var = variance$value, var_warnings = I(variance$warnings),
       ci = intervals)
}

paired_reference <- function(y, name_1, score_1, name_2, score_2) {
  test <- with_warnings(roc.test(make_roc(y, score_1), make_roc(y, score_2),
                                 method = "delong", paired = TRUE))
  t <- test$value
  list(score_1 = name_1, score_2 = name_2, auc_1 = unname(t$estimate[[1]]),
       auc_2 = unname(t$estimate[[2]]), z = unname(t$statistic[["Z"]]),
       p_value = unname(t$p.value), method = t$method, warnings = I(test$warnings))
}

write_case <- function(case, description, y, scores, hows, pairs) {
  stopifnot(all(y %in% c(0, 1)), !anyNA(y), !anyNA(unlist(scores)))
  csv <- file.path(out_dir, paste0(case, ".csv"))
  columns <- c(list(y = y), scores)
  text <- do.call(cbind, lapply(columns, function(x) sprintf("%.17g", x)))
  # The CSV must hold exactly the doubles pROC sees.
  stopifnot(all(mapply(function(x, t) identical(as.numeric(t), as.numeric(x)), columns,
                       split(text, col(text)))))
  writeLines(c(paste(names(columns), collapse = ","), apply(text, 1, paste, collapse = ",")), csv)

  ref <- list(
    case = case,
    description = description,
    data = paste0(case, ".csv"),
    n = length(y),
    scores = unname(Map(function(name, how) score_reference(y, name, scores[[name]], how),
                        names(scores), hows[names(scores)])),
    paired_tests = lapply(pairs, function(p) {
      paired_reference(y, p[[1]], scores[[p[[1]]]], p[[2]], scores[[p[[2]]]])
    }),
    generated_by = paste0(R.version.string, "; pROC ", packageVersion("pROC"))
  )
  json <- toJSON(ref, digits = NA, auto_unbox = TRUE, pretty = TRUE, null = "null", na = "null")
  writeLines(json, file.path(out_dir, paste0(case, ".json")))
  cat("wrote", csv, "and", paste0(case, ".json"), "\n")
}

# --- infert (datasets): case ~ spontaneous + induced against case ~ induced. Few distinct
# fitted values, so many ties.
write_case(
  "infert", "datasets::infert (248 rows), outcome case; glm fitted probabilities",
  infert$case,
  list(spontaneous_induced = fitted_glm(case ~ spontaneous + induced, infert),
       induced = fitted_glm(case ~ induced, infert)),
  c(spontaneous_induced = "fitted(glm(case ~ spontaneous + induced, binomial))",
    induced = "fitted(glm(case ~ induced, binomial))"),
  list(c("spontaneous_induced", "induced")))

# --- birthwt (MASS): low ~ age + lwt + race + smoke against low ~ lwt + smoke.
write_case(
  "birthwt", "MASS::birthwt (189 rows), outcome low; glm fitted probabilities",
  birthwt$low,
  list(age_lwt_race_smoke = fitted_glm(low ~ age + lwt + factor(race) + smoke, birthwt),
       lwt_smoke = fitted_glm(low ~ lwt + smoke, birthwt)),
  c(age_lwt_race_smoke = "fitted(glm(low ~ age + lwt + factor(race) + smoke, binomial))",
    lwt_smoke = "fitted(glm(low ~ lwt + smoke, binomial))"),
  list(c("age_lwt_race_smoke", "lwt_smoke")))

# --- aSAH (pROC): raw markers, outcome == "Poor"; wfns is a 5-level grade (many ties).
data(aSAH, package = "pROC")
write_case(
  "asah", "pROC::aSAH (113 rows), outcome == \"Poor\"; raw markers as scores",
  as.numeric(aSAH$outcome == "Poor"),
  list(s100b = aSAH$s100b, wfns = as.numeric(aSAH$wfns), ndka = aSAH$ndka),
  c(s100b = "s100b", wfns = "as.numeric(wfns) (grade 1-5)", ndka = "ndka"),
  list(c("s100b", "wfns"), c("s100b", "ndka"), c("wfns", "ndka")))

# --- mtcars (datasets): 32 rows, so wide intervals that pROC clips. The raw weight scores
# the wrong way round (AUC near 0, lower bound clipped to 0): the direction stays "<".
write_case(
  "mtcars", "datasets::mtcars (32 rows), outcome am; glm fitted probabilities and raw wt",
  mtcars$am,
  list(wt_hp = fitted_glm(am ~ wt + hp, mtcars), wt = fitted_glm(am ~ wt, mtcars),
       raw_wt = mtcars$wt),
  c(wt_hp = "fitted(glm(am ~ wt + hp, binomial))", wt = "fitted(glm(am ~ wt, binomial))",
    raw_wt = "wt (heavier cars are automatic: AUC near 0)"),
  list(c("wt_hp", "wt"), c("wt", "raw_wt")))

# --- iris (datasets), versicolor (0) against virginica (1): AUCs near 1, the upper bound
# clipped to 1; measurements to 0.1 cm, so many ties.
vv <- droplevels(subset(iris, Species != "setosa"))
write_case(
  "iris_versicolor_virginica",
  "datasets::iris without setosa (100 rows), outcome Species == \"virginica\"; raw measurements",
  as.numeric(vv$Species == "virginica"),
  list(petal_length = vv$Petal.Length, petal_width = vv$Petal.Width,
       sepal_length = vv$Sepal.Length),
  c(petal_length = "Petal.Length", petal_width = "Petal.Width", sepal_length = "Sepal.Length"),
  list(c("petal_length", "petal_width"), c("petal_length", "sepal_length")))

# --- iris, setosa (0) against versicolor (1): the petal measurements separate the species
# perfectly (AUC 1, variance 0), the sepal length does not.
sv <- droplevels(subset(iris, Species != "virginica"))
write_case(
  "iris_setosa_versicolor",
  "datasets::iris without virginica (100 rows), outcome Species == \"versicolor\"; raw measurements",
  as.numeric(sv$Species == "versicolor"),
  list(petal_length = sv$Petal.Length, petal_width = sv$Petal.Width,
       sepal_length = sv$Sepal.Length),
  c(petal_length = "Petal.Length (separates perfectly)",
    petal_width = "Petal.Width (separates perfectly)", sepal_length = "Sepal.Length"),
  list(c("petal_length", "petal_width"), c("petal_length", "sepal_length")))
