# Reference values for statreport's tests of terms: type II likelihood-ratio tests from
# R's car::Anova(fit, type = "II", test.statistic = "LR") on glm(family = binomial) fits
# with tight convergence. Run from the repository root:
#
#   Rscript tests/reference/terms/make_terms_reference.R
#
# Writes tests/reference/terms/<case>.json. Requires r-base-core, r-cran-car,
# r-cran-jsonlite (Debian packages).

suppressPackageStartupMessages({
  library(car)
  library(jsonlite)
})

script_arg <- grep("^--file=", commandArgs(trailingOnly = FALSE), value = TRUE)
if (length(script_arg) == 1) {
  script_dir <- dirname(normalizePath(sub("^--file=", "", script_arg)))
  setwd(normalizePath(file.path(script_dir, "..", "..", "..")))
}
out_dir <- file.path("tests", "reference", "terms")
byte_factor <- function(x) factor(x, levels = sort(unique(x), method = "radix"))

cases <- list(
  list(
    case = "anes96", data = "examples/anes96.csv", positive = "Dole",
    formula = "vote ~ C(party, Treatment('independent')) + age + education + self_lr",
    prepare = function(d) {
      d$y <- as.integer(d$vote == "Dole")
      d$party <- relevel(byte_factor(d$party), ref = "independent")
      d$education <- byte_factor(d$education)
      d
    },
    r_formula = y ~ party + age + education + self_lr,
    # R's term label -> statreport's (formulaic's) term name
    terms = c(party = "C(party, Treatment('independent'))", age = "age", education = "education",
              self_lr = "self_lr")
  ),
  list(
    case = "birthwt_interaction", data = "tests/reference/firth/birthwt.csv", positive = NULL,
    formula = "low ~ age * C(race) + smoke + lwt",
    prepare = function(d) {
      d$race <- factor(d$race, levels = c(1, 2, 3))
      d
    },
    r_formula = low ~ age * race + smoke + lwt,
    terms = c(age = "age", race = "C(race)", smoke = "smoke", lwt = "lwt", "age:race" = "age:C(race)")
  ),
  list(
    case = "birthwt_main", data = "tests/reference/firth/birthwt.csv", positive = NULL,
    formula = "low ~ age + lwt + C(race) + smoke + ptl + ht + ui",
    prepare = function(d) {
      d$race <- factor(d$race, levels = c(1, 2, 3))
      d
    },
    r_formula = low ~ age + lwt + race + smoke + ptl + ht + ui,
    terms = c(age = "age", lwt = "lwt", race = "C(race)", smoke = "smoke", ptl = "ptl", ht = "ht",
              ui = "ui")
  ),
  list(
    case = "randhie_interaction", data = "examples/randhie.csv", positive = NULL,
    formula = "poor_health ~ disea * idp + physlm + mdvis",
    prepare = function(d) d,
    r_formula = poor_health ~ disea * idp + physlm + mdvis,
    terms = c(disea = "disea", idp = "idp", physlm = "physlm", mdvis = "mdvis", "disea:idp" = "disea:idp")
  )
)

for (spec in cases) {
  d <- spec$prepare(read.csv(spec$data, stringsAsFactors = FALSE))
  fit <- glm(spec$r_formula, family = binomial(), data = d,
             control = glm.control(epsilon = 1e-14, maxit = 100))
  stopifnot(fit$converged)
  table <- Anova(fit, type = "II", test.statistic = "LR")
  rows <- lapply(rownames(table), function(label) list(
    term = unname(spec$terms[[label]]),
    r_term = label,
    df = as.integer(table[label, "Df"]),
    lr_chi2 = table[label, "LR Chisq"],
    lr_p_value = table[label, "Pr(>Chisq)"]
  ))
  out <- list(
    case = spec$case, data = spec$data, formula = spec$formula, positive = spec$positive,
    generated_by = paste(R.version.string, "; car", as.character(packageVersion("car"))),
    n_obs = nrow(model.frame(fit)), log_likelihood = as.numeric(logLik(fit)),
    terms = rows
  )
  writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, pretty = TRUE, null = "null"),
             file.path(out_dir, paste0(spec$case, ".json")))
}

# Generalized variance-inflation factors (car::vif on the same fits: GVIF and
# GVIF^(1/(2 df)), from the correlation of the coefficients' covariance, intercept left out).
# car::vif refuses a model with an interaction unless type = "predictor"; only the
# models without one are written here.
for (spec in cases) {
  path <- file.path(out_dir, paste0(spec$case, ".json"))
  out <- fromJSON(path, simplifyVector = FALSE)
  d <- spec$prepare(read.csv(spec$data, stringsAsFactors = FALSE))
  fit <- glm(spec$r_formula, family = binomial(), data = d,
             control = glm.control(epsilon = 1e-14, maxit = 100))
  if (any(grepl(":", attr(terms(fit), "term.labels")))) next
  v <- vif(fit)
  if (is.null(dim(v))) v <- cbind(GVIF = v, Df = 1, "GVIF^(1/(2*Df))" = sqrt(v))
  for (i in seq_along(out$terms)) {
    label <- out$terms[[i]]$r_term
    out$terms[[i]]$gvif <- unname(v[label, "GVIF"])
    out$terms[[i]]$gvif_df <- unname(v[label, "GVIF^(1/(2*Df))"])
  }
  writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, pretty = TRUE, null = "null"), path)
}
