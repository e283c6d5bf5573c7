"""The public surfaces of the early Keras releases legacy_bn serves: every module and the
classes, functions and constants it defines at top level (names a module only star-imports,
such as 0.3.3's `keras.layers` and `keras.backend`, are listed there too).

MODULES is Keras 4e1ec93 (September 2015, serving 0.1.x scripts), MODULES_0_3_3 Keras 0.3.3
(serving 0.3.0-0.3.2 too), MODULES_0_2_0 Keras 0.2.0. The runner (`python -m legacy_bn`) uses
these tables to tell a feature of the chosen release that legacy_bn does not have yet (a clear
"not available yet" error) from a name that never existed (Python's usual error);
docs/compat.md's status tables are checked against them. NOT_PROVIDED names what legacy_bn
will never provide, with the reason.
"""

# module -> names it defines, as one space-separated string
MODULES = {
    'keras': '',
    'keras.activations': 'get hard_sigmoid linear relu sigmoid softmax softplus tanh time_distributed_softmax',
    'keras.callbacks': ('BaseLogger Callback CallbackList EarlyStopping History LearningRateScheduler '
        'ModelCheckpoint RemoteMonitor'),
    'keras.constraints': 'Constraint get identity maxnorm MaxNorm NonNeg nonneg unitnorm UnitNorm',
    'keras.datasets': '',
    'keras.datasets.cifar': 'load_batch',
    'keras.datasets.cifar10': 'load_data',
    'keras.datasets.cifar100': 'load_data',
    'keras.datasets.data_utils': 'get_file ParanoidURLopener',
    'keras.datasets.imdb': 'load_data',
    'keras.datasets.mnist': 'load_data',
    'keras.datasets.reuters': 'get_word_index load_data make_reuters_dataset',
    'keras.initializations': ('get get_fans glorot_normal glorot_uniform he_normal he_uniform identity '
        'lecun_uniform normal one orthogonal uniform zero'),
    'keras.layers': '',
    'keras.layers.advanced_activations': 'LeakyReLU ParametricSoftplus PReLU ThresholdedLinear ThresholdedReLu',
    'keras.layers.containers': 'Graph Sequential',
    'keras.layers.convolutional': ('Convolution1D Convolution2D MaxPooling1D MaxPooling2D UpSample1D UpSample2D '
        'ZeroPadding2D'),
    'keras.layers.core': ('Activation ActivityRegularization AutoEncoder Dense Dropout Flatten Layer '
        'MaskedLayer Masking MaxoutDense Merge Permute RepeatVector Reshape '
        'TimeDistributedDense'),
    'keras.layers.embeddings': 'Embedding WordContextProduct',
    'keras.layers.noise': 'GaussianDropout GaussianNoise',
    'keras.layers.normalization': 'BatchNormalization LRN2D',
    'keras.layers.recurrent': 'GRU JZS1 JZS2 JZS3 LSTM Recurrent SimpleDeepRNN SimpleRNN',
    'keras.models': ('batch_shuffle get_function_name Graph make_batches Model model_from_config '
        'model_from_json model_from_yaml Sequential slice_X standardize_weights standardize_X '
        'standardize_y weighted_objective'),
    'keras.objectives': ('binary_crossentropy categorical_crossentropy get hinge MAE mae MAPE mape '
        'mean_absolute_error mean_absolute_percentage_error mean_squared_error '
        'mean_squared_logarithmic_error MSE mse msle MSLE poisson_loss squared_hinge'),
    'keras.optimizers': ('adadelta Adadelta Adagrad adagrad Adam adam clip_norm get kl_divergence Optimizer '
        'rmsprop RMSprop sgd SGD'),
    'keras.preprocessing': '',
    'keras.preprocessing.image': ('array_to_img horizontal_flip ImageDataGenerator img_to_array list_pictures load_img '
        'random_barrel_transform random_channel_shift random_rotation random_shear '
        'random_shift random_zoom vertical_flip'),
    'keras.preprocessing.sequence': 'make_sampling_table pad_sequences skipgrams',
    'keras.preprocessing.text': 'base_filter one_hot text_to_word_sequence Tokenizer',
    'keras.regularizers': ('activity_l1 activity_l1l2 activity_l2 ActivityRegularizer get identity l1 l1l2 l2 '
        'Regularizer WeightRegularizer'),
    'keras.utils': '',
    'keras.utils.generic_utils': 'get_from_module make_tuple printv Progbar',
    'keras.utils.io_utils': 'HDF5Matrix load_array save_array',
    'keras.utils.layer_utils': 'container_from_config get_layer print_layer_shapes',
    'keras.utils.np_utils': ('accuracy binary_logloss categorical_probas_to_classes multiclass_logloss normalize '
        'probas_to_classes to_categorical'),
    'keras.utils.test_utils': 'get_test_data',
    'keras.utils.theano_utils': 'alloc_zeros_matrix floatX ndim_tensor shared_ones shared_scalar shared_zeros sharedX',
    'keras.wrappers': '',
    'keras.wrappers.scikit_learn': 'BaseWrapper KerasClassifier KerasRegressor',
}

# Keras 0.3.3 (April 2016)
MODULES_0_3_3 = {
    'keras': '',
    'keras.activations': 'get hard_sigmoid linear relu sigmoid softmax softplus tanh',
    'keras.backend': ('abs any argmax argmin batch_dot batch_flatten binary_crossentropy cast '
        'cast_to_floatx categorical_crossentropy clip concatenate conv2d conv3d '
        'count_params dot dropout epsilon equal eval exp expand_dims flatten floatx '
        'Function function gather get_value gradients hard_sigmoid l2_normalize log max '
        'maximum mean min minimum ndim not_equal ones ones_like pack permute_dimensions '
        'placeholder pool2d pool3d pow prod random_binomial random_normal random_uniform '
        'relu repeat repeat_elements reshape resize_images resize_volumes rnn round '
        'set_epsilon set_floatx set_value shape sigmoid sign softmax softplus '
        'spatial_2d_padding spatial_3d_padding sqrt square squeeze std sum switch tanh '
        'temporal_padding tile transpose variable zeros zeros_like'),
    'keras.backend.common': 'cast_to_floatx epsilon floatx set_epsilon set_floatx',
    'keras.backend.tensorflow_backend': ('abs any argmax argmin batch_dot batch_flatten binary_crossentropy cast '
        'categorical_crossentropy clip concatenate conv2d count_params dot dropout equal '
        'eval exp expand_dims flatten Function function gather get_session get_value '
        'gradients hard_sigmoid int_shape l2_normalize log max maximum mean min minimum '
        'ndim normalize_axis not_equal ones ones_like pack permute_dimensions placeholder '
        'pool2d pow prod random_binomial random_normal random_uniform relu repeat '
        'repeat_elements reshape resize_images rnn round set_session set_value shape '
        'sigmoid sign softmax softplus spatial_2d_padding sqrt square squeeze std sum '
        'switch tanh temporal_padding tile transpose variable zeros zeros_like'),
    'keras.backend.theano_backend': ('abs any argmax argmin batch_dot batch_flatten binary_crossentropy cast '
        'categorical_crossentropy clip concatenate conv2d conv3d count_params dot dropout '
        'equal eval exp expand_dims flatten Function function gather get_value gradients '
        'hard_sigmoid l2_normalize log max maximum mean min minimum ndim not_equal ones '
        'ones_like pack permute_dimensions placeholder pool2d pool3d pow prod '
        'random_binomial random_normal random_uniform relu repeat repeat_elements reshape '
        'resize_images resize_volumes rnn round set_value shape sigmoid sign softmax '
        'softplus spatial_2d_padding spatial_3d_padding sqrt square squeeze std sum '
        'switch tanh temporal_padding tile transpose variable zeros zeros_like'),
    'keras.callbacks': ('BaseLogger Callback CallbackList EarlyStopping History LearningRateScheduler '
        'ModelCheckpoint ProgbarLogger RemoteMonitor TensorBoard'),
    'keras.constraints': ('Constraint get identity MaxNorm maxnorm NonNeg nonneg unitnorm UnitNorm'),
    'keras.datasets': '',
    'keras.datasets.cifar': 'load_batch',
    'keras.datasets.cifar10': 'load_data',
    'keras.datasets.cifar100': 'load_data',
    'keras.datasets.data_utils': 'get_file',
    'keras.datasets.imdb': 'load_data',
    'keras.datasets.mnist': 'load_data',
    'keras.datasets.reuters': 'get_word_index load_data',
    'keras.initializations': ('get get_fans glorot_normal glorot_uniform he_normal he_uniform identity '
        'lecun_uniform normal one orthogonal uniform zero'),
    'keras.layers': ('Activation ActivityRegularization add_shared_layer AutoEncoder AveragePooling1D '
        'AveragePooling2D AveragePooling3D BatchNormalization conv_output_length '
        'Convolution1D Convolution2D Convolution3D Dense Dropout ELU Embedding Flatten '
        'GaussianDropout GaussianNoise GRU Highway Lambda LambdaMerge Layer LeakyReLU '
        'LSTM MaskedLambda MaskedLayer Masking MaxoutDense MaxPooling1D MaxPooling2D '
        'MaxPooling3D Merge ParametricSoftplus Permute PReLU Recurrent RepeatVector '
        'Reshape Siamese SiameseHead SimpleRNN SReLU ThresholdedLinear ThresholdedReLU '
        'time_distributed_dense TimeDistributedDense TimeDistributedMerge UpSampling1D '
        'UpSampling2D UpSampling3D ZeroPadding1D ZeroPadding2D ZeroPadding3D'),
    'keras.layers.advanced_activations': ('ELU LeakyReLU ParametricSoftplus PReLU SReLU ThresholdedLinear ThresholdedReLU'),
    'keras.layers.containers': 'Graph Sequential',
    'keras.layers.convolutional': ('AveragePooling1D AveragePooling2D AveragePooling3D conv_output_length '
        'Convolution1D Convolution2D Convolution3D MaxPooling1D MaxPooling2D MaxPooling3D '
        'UpSampling1D UpSampling2D UpSampling3D ZeroPadding1D ZeroPadding2D ZeroPadding3D'),
    'keras.layers.core': ('Activation ActivityRegularization add_shared_layer AutoEncoder Dense Dropout '
        'Flatten Highway Lambda LambdaMerge Layer MaskedLambda MaskedLayer Masking '
        'MaxoutDense Merge Permute RepeatVector Reshape Siamese SiameseHead '
        'TimeDistributedDense TimeDistributedMerge'),
    'keras.layers.embeddings': 'Embedding',
    'keras.layers.noise': 'GaussianDropout GaussianNoise',
    'keras.layers.normalization': 'BatchNormalization',
    'keras.layers.recurrent': 'GRU LSTM Recurrent SimpleRNN time_distributed_dense',
    'keras.layers.wrappers': 'TimeDistributed',
    'keras.models': ('batch_shuffle generator_queue get_function_name Graph make_batches Model '
        'model_from_config model_from_json model_from_yaml Sequential slice_X '
        'standardize_weights standardize_X standardize_y weighted_objective'),
    'keras.objectives': ('binary_crossentropy categorical_crossentropy cosine cosine_proximity get hinge '
        'mae MAE mape MAPE mean_absolute_error mean_absolute_percentage_error '
        'mean_squared_error mean_squared_logarithmic_error mse MSE msle MSLE poisson '
        'squared_hinge'),
    'keras.optimizers': ('adadelta Adadelta Adagrad adagrad Adam adam adamax Adamax clip_norm get '
        'kl_divergence Optimizer RMSprop rmsprop sgd SGD'),
    'keras.preprocessing': '',
    'keras.preprocessing.image': ('array_to_img GraphImageDataGenerator horizontal_flip ImageDataGenerator '
        'img_to_array list_pictures load_img random_barrel_transform random_channel_shift '
        'random_rotation random_shear random_shift random_zoom vertical_flip'),
    'keras.preprocessing.sequence': 'make_sampling_table pad_sequences skipgrams',
    'keras.preprocessing.text': 'base_filter one_hot text_to_word_sequence Tokenizer',
    'keras.regularizers': ('activity_l1 activity_l1l2 activity_l2 ActivityRegularizer get identity l1 l1l2 '
        'l2 Regularizer WeightRegularizer'),
    'keras.utils': '',
    'keras.utils.data_utils': 'get_file',
    'keras.utils.generic_utils': 'get_from_module make_tuple Progbar',
    'keras.utils.io_utils': 'HDF5Matrix load_array save_array',
    'keras.utils.layer_utils': 'container_from_config get_layer model_summary',
    'keras.utils.np_utils': ('accuracy binary_logloss categorical_probas_to_classes multiclass_logloss '
        'normalize probas_to_classes to_categorical'),
    'keras.utils.test_utils': 'get_test_data',
    'keras.utils.visualize_util': 'get_layer_to_name layer_typename ModelToDot plot to_graph',
    'keras.wrappers': '',
    'keras.wrappers.scikit_learn': 'BaseWrapper KerasClassifier KerasRegressor',
}

# Keras 0.2.0 (October 2015): 4e1ec93's modules and names, with these changes
# (module -> (names added, names removed))
CHANGES_0_2_0 = {
    'keras.layers.advanced_activations': ('ThresholdedReLU', 'ThresholdedReLu'),
    'keras.layers.convolutional': ('conv_output_length pool_output_length ZeroPadding1D', ''),
    'keras.layers.core': ('TimeDistributedMerge', ''),
    'keras.utils.theano_utils': ('on_gpu', ''),
    'keras.utils.visualize_util': ('plot', ''),
}



def _split(table):
    return {mod: tuple(names.split()) for mod, names in table.items()}


def _changed(table, changes):
    changed = dict(table)
    for module, (added, removed) in changes.items():
        names = set(changed.get(module, ())) - set(removed.split()) | set(added.split())
        changed[module] = tuple(sorted(names, key=str.lower))
    return changed


MODULES = _split(MODULES)
MODULES_0_3_3 = _split(MODULES_0_3_3)
MODULES_0_2_0 = _changed(MODULES, CHANGES_0_2_0)

# module or module.name -> why legacy_bn does not provide it (for every release that has it)
NOT_PROVIDED = {
    'keras.backend.tensorflow_backend': 'legacy_bn runs the Theano backend only (on '
                                        'legacy_bn.theano); TensorFlow is not used',
    'keras.utils.visualize_util': 'it draws models with pydot, which legacy_bn does not use',
    'keras.callbacks.TensorBoard': 'it writes TensorFlow summaries; TensorFlow is not used by '
                                   'legacy_bn',
}
